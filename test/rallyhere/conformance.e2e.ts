import { expectLedgerInvariants } from '../utils/invariants.js';
import { eventually } from '../utils/eventually.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { addTemplate, createOrJoin, getSession, joinBody } from '../utils/sessions.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

type Player = Awaited<ReturnType<typeof loginPlayer>>;

/** Issue 11 item 4: each conformance fix with the exact request shaped like RallyHere's OpenAPI. */
describe('RallyHere conformance (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let trusting: TestApp;
  let admin: string;
  let device = 0;
  const player = (app: TestApp = service): Promise<Player> => loginPlayer(app.baseUrl, `conformance-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown, app: TestApp = service) =>
    http(app.baseUrl, method, path, { token, body });

  beforeAll(async () => {
    db = await TestDatabase.create();
    // The sweeper (reservations and culling) every 50 ms, so a culled seat is seen at once.
    service = await TestApp.start(db, { RESERVATION_SWEEP_INTERVAL_MS: '50' });
    trusting = await TestApp.start(db, { CROSSPLAY_TRUST_CLIENT_PLATFORM: 'true' });
    admin = (await loginAdmin(service.baseUrl)).access_token;
    await addTemplate(service.baseUrl, {
      session_type: 'culled',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      players_per_team: 4,
      player_culling_timeout: 30,
    });
    await addTemplate(service.baseUrl, {
      session_type: 'listed',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      can_be_added_to_server_browser: true,
      default_public: true,
    });
    await addTemplate(service.baseUrl, {
      session_type: 'resizable',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      default_public: true,
      players_per_team: 2,
    });
  });

  afterAll(async () => {
    await trusting?.close();
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  describe('client_settings.platform', () => {
    it('is optional: the platform comes from the login (Anon for an anonymous one)', async () => {
      const ada = await player();
      const created = await api('POST', '/session/v1/session', ada.access_token, {
        client_version: '1.4.0',
        client_settings: { input: 'gamepad' },
        session_type: 'party',
      });
      expect(created.status).toBe(200);
      expectRallyHereSchema('session', 'SessionJoinResponse', created.body);
      const read = await getSession(service.baseUrl, ada.access_token, created.body.session_id);
      expectRallyHereSchema('session', 'Session', read.body);
      expect(read.body.teams[0].players[0].client_settings).toEqual({ platform: 'Anon', input: 'gamepad' });
    });

    it('never lets an anonymous player claiming XboxLive into an Xbox-only session', async () => {
      const host = await player();
      const xboxOnly = await api('POST', '/session/v1/session', host.access_token, {
        client_version: '1.0.0',
        client_settings: { platform: 'XboxLive', input: 'gamepad' },
        crossplay_preferences: {
          permitted_platform: 'desired_platforms_xboxlike',
          permitted_input: 'desired_inputs_any',
        },
        session_type: 'hub',
        region_id: 'xbox-claim',
      });
      expect(xboxOnly.status).toBe(200);
      const session = xboxOnly.body.session_id as string;
      const claimer = await player();
      const claim = joinBody({ client_settings: { platform: 'XboxLive', input: 'gamepad' } });
      const refused = await api('POST', `/session/v1/session/${session}/player/me`, claimer.access_token, claim);
      expect(refused.status).toBe(403);
      expectRallyHereSchema('session', 'HzApiErrorModel', refused.body);
      expect(refused.body.error_code).toBe('crossplay_mismatch');
      // Only the development setting CROSSPLAY_TRUST_CLIENT_PLATFORM takes the claim (and the host's, so the
      // session there is a new one).
      const trustedHost = await player(trusting);
      const trustedSession = (
        await api(
          'POST',
          '/session/v1/session',
          trustedHost.access_token,
          {
            client_version: '1.0.0',
            client_settings: { platform: 'XboxLive', input: 'gamepad' },
            crossplay_preferences: {
              permitted_platform: 'desired_platforms_xboxlike',
              permitted_input: 'desired_inputs_any',
            },
            session_type: 'hub',
            region_id: 'xbox-trusted',
          },
          trusting,
        )
      ).body.session_id;
      const trustedClaimer = await player(trusting);
      const accepted = await api(
        'POST',
        `/session/v1/session/${trustedSession}/player/me`,
        trustedClaimer.access_token,
        claim,
        trusting,
      );
      expect(accepted.status).toBe(200);
      expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', accepted.body);
    });
  });

  it('requires client_version to be semver', async () => {
    const ada = await player();
    const bad = await api('POST', '/session/v1/session', ada.access_token, {
      client_version: 'not-semver',
      client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
      session_type: 'party',
    });
    expect(bad.status).toBe(422);
    expectRallyHereSchema('session', 'HTTPValidationError', bad.body);
    expect(bad.body.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'client_version'], msg: expect.stringMatching(/semantic version/) }),
    ]);
    const session = (await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'semver' })).body
      .session_id;
    const badJoin = await api(
      'POST',
      `/session/v1/session/${session}/player/me`,
      (await player()).access_token,
      joinBody({ client_version: '1.2' }),
    );
    expect(badJoin.status).toBe(422);
    expect(badJoin.body.detail[0].loc).toEqual(['body', 'client_version']);
    const good = await api(
      'POST',
      `/session/v1/session/${session}/player/me`,
      (await player()).access_token,
      joinBody({ client_version: '2.0.0-rc.1+build.7' }),
    );
    expect(good.status).toBe(200);
    const read = await getSession(service.baseUrl, ada.access_token, session);
    expectRallyHereSchema('session', 'Session', read.body);
  });

  it('answers join-by-id refusals 403 and an unknown session 404 session_not_found', async () => {
    const lead = await player();
    const party = (await createOrJoin(service.baseUrl, lead.access_token, 'party')).body.session_id;
    const stranger = await player();
    const closed = await api('POST', `/session/v1/session/${party}/player/me`, stranger.access_token, joinBody());
    expect(closed.status).toBe(403);
    expectRallyHereSchema('session', 'HzApiErrorModel', closed.body);
    expect(closed.body).toEqual({ auth_success: true, error_code: 'session_not_joinable', desc: expect.any(String) });
    const missing = await api(
      'POST',
      '/session/v1/session/7d7b5c2e-0000-4000-8000-000000000000/player/me',
      stranger.access_token,
      joinBody(),
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('session_not_found');
  });

  it('culls a player whose client stopped polling past player_culling_timeout', async () => {
    const [ada, bob] = [await player(), await player()];
    const session = (await createOrJoin(service.baseUrl, ada.access_token, 'culled')).body.session_id;
    await api('PATCH', `/session/v1/session/${session}`, ada.access_token, { joinability: { open: true } });
    expect((await api('POST', `/session/v1/session/${session}/player/me`, bob.access_token, joinBody())).status).toBe(
      200,
    );
    // Move the clock: Ada (the leader) was last seen 60 s ago, Bob 20 s ago (within the 30 s timeout).
    await db.query(
      `UPDATE seat SET last_seen_at = now() - CASE WHEN player_id = $2 THEN interval '60 s' ELSE interval '20 s' END
        WHERE session_id = $1`,
      [session, ada.active_player_uuid],
    );
    await eventually(async () => {
      const [row] = await db.query(`SELECT status FROM seat WHERE session_id = $1 AND player_id = $2`, [
        session,
        ada.active_player_uuid,
      ]);
      return row.status === 'COMPLETED';
    });
    const read = await getSession(service.baseUrl, bob.access_token, session);
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body.teams[0].players).toEqual([
      expect.objectContaining({ player_uuid: bob.active_player_uuid, status: 'leader' }),
    ]);
    // Bob's read counted as polling; with refresh_ttl=false a read does not.
    const seen = async () =>
      (
        await db.query(
          `SELECT last_seen_at > now() - interval '5 s' AS fresh FROM seat WHERE session_id = $1 AND player_id = $2
                         AND status = 'ACTIVE'`,
          [session, bob.active_player_uuid],
        )
      )[0]?.fresh as boolean;
    await expect(seen()).resolves.toBe(true);
    await db.query(`UPDATE seat SET last_seen_at = now() - interval '20 s' WHERE session_id = $1`, [session]);
    await api('GET', `/session/v1/session/${session}?refresh_ttl=false`, bob.access_token);
    await expect(seen()).resolves.toBe(false);
    await api('GET', '/session/v1/player/me/session', bob.access_token);
    await expect(seen()).resolves.toBe(true);
  });

  it('lists in the browser only the sessions registered to it', async () => {
    const [lead, member] = [await player(), await player()];
    const session = (await createOrJoin(service.baseUrl, lead.access_token, 'listed', { region_id: 'browser' })).body
      .session_id;
    const unlisted = (
      await createOrJoin(service.baseUrl, (await player()).access_token, 'listed', {
        region_id: 'browser',
      })
    ).body.session_id;
    const browse = () => api('GET', '/session/v1/browser?session_type=listed&region_id=browser', member.access_token);
    expect((await browse()).body).toEqual({ cursor: 0, browser_sessions: [] });

    const posted = await api('POST', `/session/v1/session/${session}/browser?refresh_ttl=true`, lead.access_token, {
      custom_data: { map: 'dunes' },
    });
    expect(posted.status).toBe(200);
    expectRallyHereSchema('session', 'BrowserInfo', posted.body);
    expect(posted.body).toEqual({ custom_data: { map: 'dunes' }, created_timestamp: expect.any(String) });
    const listed = await browse();
    expectRallyHereSchema('session', 'BrowserResponse', listed.body);
    expect(listed.body.browser_sessions).toEqual([
      { session_id: session, player_count: 1, max_player_count: 4, custom_data: { map: 'dunes' } },
    ]);
    expect(listed.body.browser_sessions.map((s: { session_id: string }) => s.session_id)).not.toContain(unlisted);

    const byStranger = await api('PATCH', `/session/v1/session/${session}/browser`, member.access_token, {
      custom_data: { map: 'x' },
    });
    expect(byStranger.status).toBe(403);
    expectRallyHereSchema('session', 'HzApiErrorModel', byStranger.body);
    const patched = await api('PATCH', `/session/v1/session/${session}/browser`, lead.access_token, {
      custom_data: { map: 'canyon' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.custom_data).toEqual({ map: 'canyon' });
    expect((await browse()).body.browser_sessions[0].custom_data).toEqual({ map: 'canyon' });
    expect((await api('DELETE', `/session/v1/session/${session}/browser`, lead.access_token)).status).toBe(204);
    expect((await browse()).body.browser_sessions).toEqual([]);

    // Types whose template does not let players add sessions to the browser: only session:*.
    const party = (await createOrJoin(service.baseUrl, lead.access_token, 'party')).body.session_id;
    expect((await api('POST', `/session/v1/session/${party}/browser`, lead.access_token, {})).status).toBe(403);
    expect((await api('POST', `/session/v1/session/${party}/browser`, admin, { custom_data: { a: 'b' } })).status).toBe(
      200,
    );
  });

  it('changes team sizes with PATCH teams, or answers a documented 400', async () => {
    const [lead, mate] = [await player(), await player()];
    const session = (await createOrJoin(service.baseUrl, lead.access_token, 'resizable')).body.session_id;
    await api('POST', `/session/v1/session/${session}/player/me`, mate.access_token, joinBody());
    const grown = await api('PATCH', `/session/v1/session/${session}?refresh_ttl=true`, lead.access_token, {
      teams: [{ max_size: 3 }, { max_size: 3, custom_data: { colour: 'blue' } }],
    });
    expect(grown.status).toBe(200);
    expectRallyHereSchema('session', 'Session', grown.body);
    expect(grown.body.teams.map((t: { max_size: number }) => t.max_size)).toEqual([3, 3]);
    expect(grown.body.teams[1].custom_data).toEqual({ colour: 'blue' });
    await api('POST', `/session/v2/session/${session}/player/${mate.active_player_uuid}:move`, lead.access_token, {
      team_id: 1,
    });
    const dropBusy = await api('PATCH', `/session/v1/session/${session}`, lead.access_token, {
      teams: [{ max_size: 3 }],
    });
    expect(dropBusy.status).toBe(400);
    expectRallyHereSchema('session', 'HzApiErrorModel', dropBusy.body);
    expect(dropBusy.body.error_code).toBe('team_not_empty');
    const tooSmall = await api('PATCH', `/session/v1/session/${session}`, lead.access_token, {
      teams: [{ max_size: 1 }, { max_size: 0 }],
    });
    expect(tooSmall.status).toBe(422);
    const [row] = await db.query(`SELECT max_players FROM game_session WHERE id = $1`, [session]);
    expect(row.max_players).toBe(6);
  });
});
