import { expectLedgerInvariants } from '../utils/invariants.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { createOrJoinBody, joinBody } from '../utils/sessions.js';
import { SseClient } from '../utils/sse.js';
import { basic, http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * The Unreal SDK's session flow as its request sequence, over two Joinery instances sharing one database: a
 * dedicated server creates its session; a client create-or-joins it and reads it; invites a friend through the
 * deprecated `/player/uuid/{uuid}` route; the friend sees the invitation and accepts; the leader kicks a third
 * player. (Registering the server as the session's instance, and `public_conn_str`, come with the game-server
 * work.)
 */
describe('Unreal SDK session flow on two instances (e2e)', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    [one, two] = [await TestApp.start(db), await TestApp.start(db)];
  });

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  it('runs server create, create-or-join, read, invite, accept and kick', async () => {
    const admin = (await loginAdmin(one.baseUrl)).access_token;
    const client = await http(one.baseUrl, 'POST', '/admin/v1/clients', {
      token: admin,
      body: { client_id: 'unreal-dedicated-server', grants: ['client_credentials'], role: 'game-server' },
    });
    const serverLogin = await http(two.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic('unreal-dedicated-server', client.body.client_secret) },
    });
    expect(serverLogin.status).toBe(200);
    expectRallyHereSchema('users', 'LoginResult', serverLogin.body);
    const server = serverLogin.body.access_token as string;

    // The dedicated server starts and creates its session (instance 2).
    const created = await http(two.baseUrl, 'POST', '/session/v1/session', {
      token: server,
      body: createOrJoinBody('hub', { region_id: 'unreal-flow' }),
    });
    expect(created.status).toBe(200);
    const session = created.body.session_id as string;

    // A client create-or-joins (instance 1) and lands in it, as its leader; it polls the session.
    const [ada, bea, cal] = [
      await loginPlayer(one.baseUrl, 'unreal-ada'),
      await loginPlayer(two.baseUrl, 'unreal-bea'),
      await loginPlayer(one.baseUrl, 'unreal-cal'),
    ];
    const events = await SseClient.open(
      `${two.baseUrl}/session/v1/player/me/session/events`,
      ada.access_token,
      (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM session_event`))[0].id,
    );
    const joined = await http(one.baseUrl, 'POST', '/session/v1/session', {
      token: ada.access_token,
      body: createOrJoinBody('hub', { region_id: 'unreal-flow' }),
    });
    expect(joined.body.session_id).toBe(session);
    const read = await http(two.baseUrl, 'GET', `/session/v1/session/${session}?refresh_ttl=true`, {
      token: ada.access_token,
    });
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body.teams[0].players).toEqual([
      expect.objectContaining({ player_uuid: ada.active_player_uuid, status: 'leader' }),
    ]);
    const poll = await http(one.baseUrl, 'GET', `/session/v1/session/${session}`, {
      token: ada.access_token,
      headers: { 'if-none-match': read.headers.get('etag')! },
    });
    expect(poll.status).toBe(304);

    // Invite a friend through the deprecated route (instance 1); the friend sees it and accepts (instance 2).
    const invite = await http(
      one.baseUrl,
      'POST',
      `/session/v1/session/${session}/player/uuid/${bea.active_player_uuid}`,
      {
        token: ada.access_token,
        body: { status: 'invited', team_id: 0, custom_data: {} },
      },
    );
    expect(invite.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', invite.body);
    const mine = await http(two.baseUrl, 'GET', '/session/v1/player/me/session', { token: bea.access_token });
    expectRallyHereSchema('session', 'PlayerSessions', mine.body);
    expect(mine.body.sessions.hub.pending_invites[session]).toEqual({
      session_id: session,
      inviting_player_uuid: ada.active_player_uuid,
    });
    const accept = await http(two.baseUrl, 'POST', `/session/v1/session/${session}/player/me`, {
      token: bea.access_token,
      body: joinBody(),
    });
    expect(accept.status).toBe(200);
    expect(accept.body.status).toBe('member');

    // A third player joins, and the leader kicks them (instance 2, deprecated DELETE).
    const third = await http(one.baseUrl, 'POST', '/session/v1/session', {
      token: cal.access_token,
      body: createOrJoinBody('hub', { region_id: 'unreal-flow' }),
    });
    expect(third.body.session_id).toBe(session);
    const kick = await http(
      two.baseUrl,
      'DELETE',
      `/session/v1/session/${session}/player/uuid/${cal.active_player_uuid}?reason=kicked`,
      { token: ada.access_token },
    );
    expect(kick.status).toBe(204);
    const after = await http(one.baseUrl, 'GET', `/session/v1/session/${session}`, { token: bea.access_token });
    expect(
      after.body.teams[0].players.map((p: { player_uuid: string; status: string }) => [p.player_uuid, p.status]),
    ).toEqual([
      [ada.active_player_uuid, 'leader'],
      [bea.active_player_uuid, 'member'],
    ]);

    // The leader's client heard all of it pushed, in order.
    await events.waitFor(5);
    expect(events.events.map((e) => [e.data.kind, e.data.player_uuid])).toEqual([
      ['joined', ada.active_player_uuid],
      ['invited', bea.active_player_uuid],
      ['joined', bea.active_player_uuid],
      ['joined', cal.active_player_uuid],
      ['kicked', cal.active_player_uuid],
    ]);
    events.close();
  });
});
