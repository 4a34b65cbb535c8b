import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { createOrJoin, joinBody } from '../utils/sessions.js';
import { http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/** Issue 11 item 5: ETag on the reads clients poll; If-None-Match answers 304 while nothing changed. */
describe('Conditional reads (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let device = 0;
  const player = () => loginPlayer(service.baseUrl, `etag-${device++}`);
  const get = (path: string, token: string, etag?: string) =>
    http(service.baseUrl, 'GET', path, { token, headers: etag ? { 'if-none-match': etag } : {} });

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('answers 304 to a poll of an unchanged session, 200 with a new ETag once it changed', async () => {
    const [ada, bob] = [await player(), await player()];
    const session = (await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'etag' })).body
      .session_id;
    const path = `/session/v1/session/${session}`;
    const first = await get(path, ada.access_token);
    expect(first.status).toBe(200);
    expectRallyHereSchema('session', 'Session', first.body);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[^"]+"$/);

    const unchanged = await get(path, ada.access_token, tag!);
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(unchanged.headers.get('etag')).toBe(tag);
    // A list of tags, one of them current, is current too.
    expect((await get(path, ada.access_token, `"stale", ${tag}`)).status).toBe(304);

    await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'etag' });
    const changed = await get(path, ada.access_token, tag!);
    expect(changed.status).toBe(200);
    expectRallyHereSchema('session', 'Session', changed.body);
    expect(changed.body.teams[0].players).toHaveLength(2);
    expect(changed.headers.get('etag')).not.toBe(tag);
    // A stranger sees the limited view: another body, another tag.
    const stranger = await get(path, (await player()).access_token);
    expect(stranger.headers.get('etag')).not.toBe(changed.headers.get('etag'));
  });

  it("does the same for the player's sessions, players, one player, the browser and the templates", async () => {
    const [lead, friend] = [await player(), await player()];
    const party = (await createOrJoin(service.baseUrl, lead.access_token, 'party')).body.session_id;
    const reads = [
      '/session/v1/player/me/session',
      `/session/v1/player/${lead.active_player_uuid}/session`,
      `/session/v1/session/${party}/player`,
      `/session/v1/session/${party}/player/${lead.active_player_uuid}`,
      '/session/v1/browser?session_type=party',
      '/session/v1/template',
      '/session/v1/template/party',
    ];
    const tags = new Map<string, string>();
    for (const path of reads) {
      const first = await get(path, lead.access_token);
      expect({ path, status: first.status }).toEqual({ path, status: 200 });
      tags.set(path, first.headers.get('etag')!);
      const again = await get(path, lead.access_token, tags.get(path));
      expect({ path, status: again.status }).toEqual({ path, status: 304 });
    }
    // An invitation changes the party's reads, and the invitee's own sessions.
    const friendTag = (await get('/session/v1/player/me/session', friend.access_token)).headers.get('etag')!;
    await http(service.baseUrl, 'POST', `/session/v2/session/${party}/player/${friend.active_player_uuid}:invite`, {
      token: lead.access_token,
      body: {},
    });
    expect((await get(`/session/v1/session/${party}/player`, lead.access_token, tags.get(reads[2]))).status).toBe(200);
    const invited = await get('/session/v1/player/me/session', friend.access_token, friendTag);
    expect(invited.status).toBe(200);
    expectRallyHereSchema('session', 'PlayerSessions', invited.body);
    await http(service.baseUrl, 'POST', `/session/v1/session/${party}/player/me`, {
      token: friend.access_token,
      body: joinBody(),
    });
    expect((await get('/session/v1/player/me/session', friend.access_token, invited.headers.get('etag')!)).status).toBe(
      200,
    );
  });
});
