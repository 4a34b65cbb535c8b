import { createOrJoin, joinBody } from '../utils/sessions.js';
import { SseClient } from '../utils/sse.js';
import { eventually } from '../utils/eventually.js';
import { http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

type Player = Awaited<ReturnType<typeof loginPlayer>>;

/**
 * Issue 11 item 6: session changes pushed to players as Server-Sent Events, in commit order, resumable with
 * Last-Event-ID, across two Joinery instances sharing one database (LISTEN/NOTIFY as the wake-up).
 */
describe('Session events (e2e)', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let device = 0;
  const player = (): Promise<Player> => loginPlayer(one.baseUrl, `events-${device++}`);
  const api = (app: TestApp, method: string, path: string, token: string, body?: unknown) =>
    http(app.baseUrl, method, path, { token, body });
  const streamOf = (app: TestApp, p: Player, lastEventId?: string) =>
    SseClient.open(`${app.baseUrl}/session/v1/player/me/session/events`, p.access_token, lastEventId);
  const latest = async () => (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM session_event`))[0].id;
  const expected = async (p: Player, after: string) =>
    (
      await db.query<{ id: string }>(
        `SELECT e.id::text AS id FROM session_event e WHERE $1 = ANY (e.recipients) AND e.id > $2::bigint ORDER BY e.id`,
        [p.active_player_uuid, after],
      )
    ).map((r) => r.id);

  beforeAll(async () => {
    db = await TestDatabase.create();
    [one, two] = [await TestApp.start(db), await TestApp.start(db)];
  });

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await db?.drop();
  });

  it('streams each player exactly the events of their sessions, in commit order, across instances and a reconnect', async () => {
    const [ada, bob, cy, dee] = [await player(), await player(), await player(), await player()];
    const start = await latest();
    const streams = {
      ada: await streamOf(one, ada, start),
      bob: await streamOf(two, bob, start),
      cy: await streamOf(one, cy, start),
    };
    for (const s of Object.values(streams)) {
      expect(s.status).toBe(200);
      expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }

    const party = (await createOrJoin(one.baseUrl, ada.access_token, 'party')).body.session_id as string;
    const hub = (await createOrJoin(two.baseUrl, cy.access_token, 'hub', { region_id: 'events' })).body.session_id;
    const elsewhere = (await createOrJoin(one.baseUrl, dee.access_token, 'party')).body.session_id as string;
    let bobSecond: SseClient | undefined;
    const rounds = 45;
    for (let i = 0; i < rounds; i++) {
      const [a, b] = i % 2 ? [one, two] : [two, one];
      expect(
        (
          await api(
            a,
            'POST',
            `/session/v2/session/${party}/player/${bob.active_player_uuid}:invite`,
            ada.access_token,
            {},
          )
        ).status,
      ).toBe(200);
      expect(
        (await api(b, 'POST', `/session/v1/session/${party}/player/me`, bob.access_token, joinBody())).status,
      ).toBe(200);
      expect(
        (await api(a, 'PATCH', `/session/v1/session/${party}`, ada.access_token, { custom_data: { round: String(i) } }))
          .status,
      ).toBe(200);
      expect(
        (await api(b, 'DELETE', `/session/v1/session/${party}/player/${bob.active_player_uuid}`, ada.access_token))
          .status,
      ).toBe(204);
      // Changes nobody of the three may see.
      await api(a, 'PATCH', `/session/v1/session/${elsewhere}`, dee.access_token, { custom_data: { i: String(i) } });
      if (i === 10) {
        // Cy's hub gets Dee for a moment.
        await createOrJoin(b.baseUrl, dee.access_token, 'hub', { region_id: 'events' });
        await api(a, 'DELETE', `/session/v1/session/${hub}/player/me`, dee.access_token);
      }
      if (i === 15) {
        // Bob's client loses its connection; meanwhile the LISTEN connections of both instances are cut too.
        await streams.bob.waitFor(1);
        streams.bob.close();
        await eventually(async () => streams.bob.ended);
        await db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'joinery-notifier' AND datname = current_database()`,
        );
      }
      if (i === 30) {
        // Bob reconnects, to the other instance, with the last id he saw.
        bobSecond = await streamOf(one, bob, streams.bob.lastId);
        expect(bobSecond.status).toBe(200);
      }
    }

    const want = {
      ada: await expected(ada, start),
      bob: await expected(bob, start),
      cy: await expected(cy, start),
    };
    expect(want.ada.length).toBeGreaterThanOrEqual(rounds * 4);
    await streams.ada.waitFor(want.ada.length);
    await streams.cy.waitFor(want.cy.length);
    const bobFirst = streams.bob.events.length;
    await bobSecond!.waitFor(want.bob.length - bobFirst);

    const ids = (s: SseClient) => s.events.map((e) => e.id);
    expect(ids(streams.ada)).toEqual(want.ada);
    expect(ids(streams.cy)).toEqual(want.cy);
    // Nothing lost, nothing repeated: the first connection's events, then exactly what followed.
    expect([...ids(streams.bob), ...ids(bobSecond!)]).toEqual(want.bob);
    expect(want.bob.length).toBeGreaterThan(bobFirst);

    // Only their sessions' events; ids in the data match the stream's ids.
    const sessionsOf = (s: SseClient) => new Set(s.events.map((e) => e.data.session_id));
    expect(sessionsOf(streams.ada)).toEqual(new Set([party]));
    expect(new Set([...sessionsOf(streams.bob), ...sessionsOf(bobSecond!)])).toEqual(new Set([party]));
    expect(sessionsOf(streams.cy)).toEqual(new Set([hub]));
    for (const s of [streams.ada, streams.cy, bobSecond!]) for (const e of s.events) expect(e.data.event_id).toBe(e.id);

    // What Ada saw first, in order; Cy saw Dee come and go.
    expect(streams.ada.events.slice(0, 5).map((e) => [e.data.kind, e.data.player_uuid])).toEqual([
      ['joined', ada.active_player_uuid],
      ['invited', bob.active_player_uuid],
      ['joined', bob.active_player_uuid],
      ['session_updated', undefined],
      ['kicked', bob.active_player_uuid],
    ]);
    expect(streams.cy.events.map((e) => [e.data.kind, e.data.player_uuid])).toEqual([
      ['joined', cy.active_player_uuid],
      ['joined', dee.active_player_uuid],
      ['left', dee.active_player_uuid],
    ]);
    // Bob, invited, was told by whom.
    const invited = [...streams.bob.events, ...bobSecond!.events].find((e) => e.data.kind === 'invited');
    expect(invited?.data.data.inviting_player_uuid).toBe(ada.active_player_uuid);

    for (const s of [streams.ada, streams.cy, bobSecond!]) s.close();
  });

  it('refuses a bad Last-Event-ID and client tokens, and starts from now without one', async () => {
    const ada = await player();
    const bad = await http(one.baseUrl, 'GET', '/session/v1/player/me/session/events', {
      token: ada.access_token,
      headers: { 'last-event-id': 'abc' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['header', 'last-event-id']);
    const unauthenticated = await http(one.baseUrl, 'GET', '/session/v1/player/me/session/events');
    expect(unauthenticated.status).toBe(403);

    const party = (await createOrJoin(one.baseUrl, ada.access_token, 'party')).body.session_id;
    const stream = await streamOf(two, ada);
    // Without Last-Event-ID the stream starts now: the creation before it is not sent, later changes are.
    let round = 0;
    await eventually(async () => {
      await api(one, 'PATCH', `/session/v1/session/${party}`, ada.access_token, {
        custom_data: { n: String(round++) },
      });
      return stream.events.some((e) => e.data.kind === 'session_updated');
    });
    expect(stream.events.map((e) => e.data.kind)).not.toContain('joined');
    stream.close();
  });
});
