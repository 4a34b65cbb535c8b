import { expectLedgerInvariants } from '../utils/invariants.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { createOrJoin, getSession, addTemplate, joinBody } from '../utils/sessions.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

type Player = Awaited<ReturnType<typeof loginPlayer>>;

describe('RallyHere session API (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  let device = 0;
  const player = (): Promise<Player> => loginPlayer(service.baseUrl, `session-api-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown) =>
    http(service.baseUrl, method, path, { token, body });

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    admin = (await loginAdmin(service.baseUrl)).access_token;
    await addTemplate(service.baseUrl, {
      session_type: 'closed',
      attempt_auto_join: false,
      can_be_created_by_players_directly: false,
    });
    await addTemplate(service.baseUrl, {
      session_type: 'join-only',
      attempt_auto_join: true,
      can_be_created_by_players_directly: false,
    });
    await addTemplate(service.baseUrl, {
      session_type: 'persistent',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      keep_alive_on_empty: true,
      players_per_team: 2,
    });
    await addTemplate(service.baseUrl, {
      session_type: 'duo',
      auto_add_to_browser: true,
      attempt_auto_join: true,
      can_be_created_by_players_directly: true,
      default_public: true,
      players_per_team: 2,
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  describe('create or join', () => {
    it('creates a session led by the first player and puts the next one in it', async () => {
      const [ada, bob] = [await player(), await player()];
      const first = await createOrJoin(service.baseUrl, ada.access_token, 'hub', {
        player: {
          client_version: '1.0.1',
          client_settings: { platform: 'XboxLive', input: 'gamepad' },
          team_id: 0,
          custom_data: { skin: 'red' },
        },
      });
      expect(first.status).toBe(200);
      expectRallyHereSchema('session', 'SessionJoinResponse', first.body);
      const second = await createOrJoin(service.baseUrl, bob.access_token, 'hub');
      expect(second.body.session_id).toBe(first.body.session_id);

      const read = await getSession(service.baseUrl, ada.access_token, first.body.session_id);
      expect(read.status).toBe(200);
      expectRallyHereSchema('session', 'Session', read.body);
      expect(read.body).toMatchObject({
        type: 'hub',
        session_id: first.body.session_id,
        joinable: true,
        joinability: { open: true },
      });
      const [team] = read.body.teams;
      expect(team).toMatchObject({ team_id: 0, max_size: 8 });
      expect(team.players).toEqual([
        expect.objectContaining({
          player_uuid: ada.active_player_uuid,
          status: 'leader',
          version: '1.0.1',
          // An anonymous login proves no platform: it counts as Anon whatever the client states (docs/crossplay.md).
          client_settings: { platform: 'Anon', input: 'gamepad' },
          custom_data: { skin: 'red' },
        }),
        expect.objectContaining({
          player_uuid: bob.active_player_uuid,
          status: 'member',
          crossplay_preferences: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_any' },
        }),
      ]);
    });

    it('gives a player their session of that type again instead of a second seat', async () => {
      const ada = await player();
      const first = await createOrJoin(service.baseUrl, ada.access_token, 'party');
      const again = await createOrJoin(service.baseUrl, ada.access_token, 'party');
      expect(again.body.session_id).toBe(first.body.session_id);
      const other = await createOrJoin(service.baseUrl, (await player()).access_token, 'party');
      expect(other.body.session_id).not.toBe(first.body.session_id);
      const read = await getSession(service.baseUrl, ada.access_token, first.body.session_id);
      expect(read.body.joinability.open).toBe(false);
    });

    it('keeps regions apart', async () => {
      const eu = await createOrJoin(service.baseUrl, (await player()).access_token, 'hub', { region_id: 'eu-west' });
      const us = await createOrJoin(service.baseUrl, (await player()).access_token, 'hub', { region_id: 'us-east' });
      const eu2 = await createOrJoin(service.baseUrl, (await player()).access_token, 'hub', { region_id: 'eu-west' });
      expect(eu.body.session_id).not.toBe(us.body.session_id);
      expect(eu2.body.session_id).toBe(eu.body.session_id);
      const read = await getSession(service.baseUrl, admin, eu.body.session_id);
      expect(read.body.region_id).toBe('eu-west');
    });

    it('places players on the requested team, and balances the others', async () => {
      const blue = await createOrJoin(service.baseUrl, (await player()).access_token, 'team-4v4', {
        player: { client_version: '1.0.0', client_settings: { platform: 'PSN', input: 'gamepad' }, team_id: 1 },
      });
      await createOrJoin(service.baseUrl, (await player()).access_token, 'team-4v4');
      const read = await getSession(service.baseUrl, admin, blue.body.session_id);
      expect(read.body.teams.map((t: { players: unknown[] }) => t.players.length)).toEqual([1, 1]);
      expect(read.body.teams[1].players[0].status).toBe('leader');
      const invalid = await createOrJoin(service.baseUrl, (await player()).access_token, 'team-4v4', {
        player: { client_version: '1.0.0', client_settings: { platform: 'PSN', input: 'gamepad' }, team_id: 7 },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({ auth_success: true, error_code: 'invalid_team_id', desc: expect.any(String) });
    });

    it('answers 400 naming why when it can neither join nor create', async () => {
      const token = (await player()).access_token;
      const unknown = await createOrJoin(service.baseUrl, token, 'no-such-type');
      expect(unknown.status).toBe(400);
      expectRallyHereSchema('session', 'HzApiErrorModel', unknown.body);
      expect(unknown.body).toMatchObject({ auth_success: true, error_code: 'session_template_not_found' });
      const closed = await createOrJoin(service.baseUrl, token, 'closed');
      expect(closed.body).toMatchObject({ auth_success: true, error_code: 'session_creation_not_allowed' });
      const joinOnly = await createOrJoin(service.baseUrl, token, 'join-only');
      expect(joinOnly.body).toMatchObject({ auth_success: true, error_code: 'no_session_available' });
    });

    it('refuses bad bodies with a 422 detail list and writes nothing', async () => {
      const token = (await player()).access_token;
      const [before] = await db.query(
        `SELECT (SELECT count(*) FROM game_session)::int AS s, (SELECT count(*) FROM seat)::int AS p`,
      );
      const bad = await api('POST', '/session/v1/session', token, {
        client_version: 3,
        client_settings: { input: 'joystick' },
        crossplay_preferences: { permitted_platform: 'desired_platforms_any' },
        session_type: 'x'.repeat(200),
        extra: true,
      });
      expect(bad.status).toBe(422);
      expectRallyHereSchema('session', 'HTTPValidationError', bad.body);
      expect(bad.body.detail).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ loc: ['body', 'client_version'], type: 'string_type' }),
          expect.objectContaining({ loc: ['body', 'client_settings', 'input'], type: 'enum' }),
          { loc: ['body', 'crossplay_preferences', 'permitted_input'], msg: 'Field required', type: 'missing' },
          expect.objectContaining({ loc: ['body', 'session_type'], type: 'string_pattern_mismatch' }),
          { loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
        ]),
      );
      const missing = await api('POST', '/session/v1/session', token, undefined);
      expect(missing.status).toBe(422);
      expect(missing.body.detail).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
      const [after] = await db.query(
        `SELECT (SELECT count(*) FROM game_session)::int AS s, (SELECT count(*) FROM seat)::int AS p`,
      );
      expect(after).toEqual(before);
    });

    it('accepts the deprecated platform_id', async () => {
      const ada = await player();
      const joined = await createOrJoin(service.baseUrl, ada.access_token, 'party', {
        client_settings: { platform_id: 9, input: 'gamepad' },
      });
      expect(joined.status).toBe(200);
      const read = await getSession(service.baseUrl, ada.access_token, joined.body.session_id);
      expect(read.body.teams[0].players[0].client_settings).toEqual({ platform: 'Anon', input: 'gamepad' });
    });
  });

  describe('reading', () => {
    it('shows non-members a limited view and 404s unknown sessions', async () => {
      const ada = await player();
      const created = await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'limited' });
      const stranger = await getSession(service.baseUrl, (await player()).access_token, created.body.session_id);
      expect(stranger.status).toBe(200);
      expectRallyHereSchema('session', 'Session', stranger.body);
      expect(stranger.body.teams[0].players).toEqual([{ player_uuid: ada.active_player_uuid, status: 'leader' }]);
      for (const id of ['0b8e9d1c-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const missing = await getSession(service.baseUrl, ada.access_token, id);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ auth_success: true, error_code: 'session_not_found', desc: expect.any(String) });
      }
      const tooLong = await getSession(service.baseUrl, ada.access_token, 'x'.repeat(129));
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.detail[0].loc).toEqual(['path', 'session_id']);
    });

    it("lists a session's players and one player", async () => {
      const ada = await player();
      const created = await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'players' });
      const bob = await player();
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'players' });
      const page = await api(
        'GET',
        `/session/v1/session/${created.body.session_id}/player?page_size=1`,
        ada.access_token,
      );
      expectRallyHereSchema('session', 'PagedPlayersResponse', page.body);
      expect(page.body.cursor).toBe(1);
      expect(page.body.teams[0].players.map((p: { player_uuid: string }) => p.player_uuid)).toEqual([
        ada.active_player_uuid,
      ]);
      const rest = await api(
        'GET',
        `/session/v1/session/${created.body.session_id}/player?page_size=1&cursor=1`,
        ada.access_token,
      );
      expect(rest.body.cursor).toBe(0);
      expect(rest.body.teams[0].players[0].player_uuid).toBe(bob.active_player_uuid);
      const one = await api(
        'GET',
        `/session/v1/session/${created.body.session_id}/player/${bob.active_player_uuid}`,
        ada.access_token,
      );
      expectRallyHereSchema('session', 'SessionPlayer', one.body);
      expect(one.body.status).toBe('member');
      const badPage = await api(
        'GET',
        `/session/v1/session/${created.body.session_id}/player?page_size=500`,
        ada.access_token,
      );
      expect(badPage.status).toBe(422);
      expect(badPage.body.detail[0]).toMatchObject({ loc: ['query', 'page_size'], type: 'less_than_equal' });
    });

    it("lists a player's own sessions and refuses other players' to players", async () => {
      const ada = await player();
      const party = await createOrJoin(service.baseUrl, ada.access_token, 'party');
      const hub = await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'mine' });
      const mine = await api('GET', '/session/v1/player/me/session', ada.access_token);
      expect(mine.status).toBe(200);
      expectRallyHereSchema('session', 'PlayerSessions', mine.body);
      expect(mine.body.sessions.party.session_ids).toEqual([party.body.session_id]);
      expect(mine.body.sessions.hub.session_ids).toEqual([hub.body.session_id]);
      const byOther = await api(
        'GET',
        `/session/v1/player/${ada.active_player_uuid}/session`,
        (await player()).access_token,
      );
      expect(byOther.status).toBe(403);
      expect(byOther.body.auth_success).toBe(true);
      const byAdmin = await api('GET', `/session/v1/player/${ada.active_player_uuid}/session`, admin);
      expect(byAdmin.body).toEqual(mine.body);
      const clientMe = await api('GET', '/session/v1/player/me/session', admin);
      expect(clientMe.status).toBe(403);
      expect(clientMe.body.error_code).toBe('player_token_required');
    });

    it('browses open public sessions of a type, page by page', async () => {
      const players = [await player(), await player(), await player()];
      const ids: string[] = [];
      for (const p of players)
        ids.push((await createOrJoin(service.baseUrl, p.access_token, 'duo', { region_id: 'browse' })).body.session_id);
      // Two players filled the first duo, the third opened a second one; one leaves the first.
      await api('DELETE', `/session/v1/session/${ids[0]}/player/me`, players[1].access_token);
      const token = (await player()).access_token;
      const first = await api('GET', '/session/v1/browser?session_type=duo&region_id=browse&page_size=1', token);
      expect(first.status).toBe(200);
      expectRallyHereSchema('session', 'BrowserResponse', first.body);
      expect(first.body).toEqual({
        cursor: 1,
        browser_sessions: [{ session_id: ids[0], player_count: 1, max_player_count: 2, custom_data: {} }],
      });
      const second = await api(
        'GET',
        '/session/v1/browser?session_type=duo&region_id=browse&page_size=1&cursor=1',
        token,
      );
      expect(second.body.cursor).toBe(0);
      expect(second.body.browser_sessions.map((s: { session_id: string }) => s.session_id)).toEqual([ids[2]]);
      const missingType = await api('GET', '/session/v1/browser', token);
      expect(missingType.status).toBe(422);
      expect(missingType.body.detail[0]).toMatchObject({ loc: ['query', 'session_type'], type: 'missing' });
    });

    it('serves the templates', async () => {
      const token = (await player()).access_token;
      const all = await api('GET', '/session/v1/template', token);
      expectRallyHereSchema('session', 'SessionTemplates', all.body);
      expect(Object.keys(all.body.templates)).toEqual(expect.arrayContaining(['hub', 'party', 'team-4v4', 'lobby']));
      const hub = await api('GET', '/session/v1/template/hub', token);
      expectRallyHereSchema('session', 'SessionTemplate', hub.body);
      expect(hub.body).toMatchObject({
        session_type: 'hub',
        attempt_auto_join: true,
        players_per_team: 8,
        num_teams: 1,
      });
      const missing = await api('GET', '/session/v1/template/nope', token);
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe('session_template_not_found');
    });
  });

  describe('membership', () => {
    it('lets invited players and public joiners in, and keeps others out', async () => {
      const [lead, friend, stranger] = [await player(), await player(), await player()];
      const party = (await createOrJoin(service.baseUrl, lead.access_token, 'party')).body.session_id;
      const refused = await api('POST', `/session/v1/session/${party}/player/me`, stranger.access_token, joinBody());
      expect(refused.status).toBe(403);
      expect(refused.body.error_code).toBe('session_not_joinable');

      const invited = await api(
        'POST',
        `/session/v2/session/${party}/player/${friend.active_player_uuid}:invite`,
        lead.access_token,
        {
          custom_data: { note: 'welcome' },
        },
      );
      expect(invited.status).toBe(200);
      expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', invited.body);
      expect(invited.body).toMatchObject({ player_uuid: friend.active_player_uuid, status: 'invited', team_id: 0 });
      const pending = await api('GET', '/session/v1/player/me/session', friend.access_token);
      expect(pending.body.sessions.party.pending_invites[party]).toEqual({
        session_id: party,
        inviting_player_uuid: lead.active_player_uuid,
      });
      const byStranger = await api(
        'POST',
        `/session/v2/session/${party}/player/${stranger.active_player_uuid}:invite`,
        stranger.access_token,
        {},
      );
      expect(byStranger.status).toBe(403);

      const joined = await api('POST', `/session/v1/session/${party}/player/me`, friend.access_token, joinBody());
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ status: 'member', team_id: 0 });
      const read = await getSession(service.baseUrl, friend.access_token, party);
      expect(read.body.teams[0].players.map((p: { status: string }) => p.status)).toEqual(['leader', 'member']);
      const again = await api('POST', `/session/v1/session/${party}/player/me`, friend.access_token, joinBody());
      expect(again.body.status).toBe('member');
    });

    it('checks session passwords', async () => {
      const lead = await player();
      const created = await createOrJoin(service.baseUrl, lead.access_token, 'duo', {
        region_id: 'secret',
        password: 'open sesame',
      });
      const session = created.body.session_id;
      const joiner = await player();
      const wrong = await api(
        'POST',
        `/session/v1/session/${session}/player/me`,
        joiner.access_token,
        joinBody({ password: 'nope' }),
      );
      expect(wrong.status).toBe(403);
      expect(wrong.body.error_code).toBe('session_password_incorrect');
      const right = await api(
        'POST',
        `/session/v1/session/${session}/player/me`,
        joiner.access_token,
        joinBody({ password: 'open sesame' }),
      );
      expect(right.status).toBe(200);
      // Password-protected sessions are never auto-joined.
      const other = await createOrJoin(service.baseUrl, (await player()).access_token, 'duo', { region_id: 'secret' });
      expect(other.body.session_id).not.toBe(session);
      const [row] = await db.query(`SELECT password_digest FROM game_session WHERE id = $1`, [session]);
      expect(row.password_digest).not.toContain('open sesame');
    });

    it('refuses to overfill a session', async () => {
      const lead = await player();
      const duo = (await createOrJoin(service.baseUrl, lead.access_token, 'persistent')).body.session_id;
      await api('PATCH', `/session/v1/session/${duo}`, lead.access_token, { joinability: { open: true } });
      expect(
        (await api('POST', `/session/v1/session/${duo}/player/me`, (await player()).access_token, joinBody())).status,
      ).toBe(200);
      const third = await api(
        'POST',
        `/session/v1/session/${duo}/player/me`,
        (await player()).access_token,
        joinBody(),
      );
      expect(third.status).toBe(403);
      expect(third.body.error_code).toBe('team_full');
      const invite = await api(
        'POST',
        `/session/v2/session/${duo}/player/${(await player()).active_player_uuid}:invite`,
        lead.access_token,
        {},
      );
      expect(invite.status).toBe(400);
      expect(invite.body.error_code).toBe('session_full');
    });

    it('hands leadership over when the leader leaves, and closes the session when the last one leaves', async () => {
      const [ada, bob] = [await player(), await player()];
      const session = (await createOrJoin(service.baseUrl, ada.access_token, 'hub', { region_id: 'leave' })).body
        .session_id;
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'leave' });
      const left = await api('DELETE', `/session/v1/session/${session}/player/me`, ada.access_token);
      expect(left.status).toBe(204);
      const read = await getSession(service.baseUrl, bob.access_token, session);
      expect(read.body.teams[0].players).toEqual([
        expect.objectContaining({ player_uuid: bob.active_player_uuid, status: 'leader' }),
      ]);
      const notIn = await api('DELETE', `/session/v1/session/${session}/player/me`, ada.access_token);
      expect(notIn.status).toBe(404);
      expect(notIn.body.error_code).toBe('player_not_in_session');
      await api('DELETE', `/session/v1/session/${session}/player/me`, bob.access_token);
      expect((await getSession(service.baseUrl, admin, session)).status).toBe(404);
      const [row] = await db.query(`SELECT status, status_reason FROM game_session WHERE id = $1`, [session]);
      expect(row).toEqual({ status: 'TERMINATED', status_reason: 'EMPTY' });
    });

    it('keeps a session alive when empty if its template says so', async () => {
      const ada = await player();
      const session = (await createOrJoin(service.baseUrl, ada.access_token, 'persistent')).body.session_id;
      await api('DELETE', `/session/v1/session/${session}/player/me`, ada.access_token);
      const read = await getSession(service.baseUrl, admin, session);
      expect(read.status).toBe(200);
      expect(read.body.teams[0].players).toEqual([]);
    });

    it('lets the leader (or session:update-player:any) kick, and nobody else', async () => {
      const [lead, bob, carl] = [await player(), await player(), await player()];
      const session = (await createOrJoin(service.baseUrl, lead.access_token, 'hub', { region_id: 'kick' })).body
        .session_id;
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'kick' });
      await createOrJoin(service.baseUrl, carl.access_token, 'hub', { region_id: 'kick' });
      const byMember = await api(
        'DELETE',
        `/session/v1/session/${session}/player/${carl.active_player_uuid}`,
        bob.access_token,
      );
      expect(byMember.status).toBe(403);
      expect(byMember.body).toMatchObject({ auth_success: true, error_code: 'not_session_leader' });
      const byLeader = await api(
        'DELETE',
        `/session/v1/session/${session}/player/${carl.active_player_uuid}?reason=afk`,
        lead.access_token,
      );
      expect(byLeader.status).toBe(204);
      const byAdmin = await api('DELETE', `/session/v1/session/${session}/player/${bob.active_player_uuid}`, admin);
      expect(byAdmin.status).toBe(204);
      const self = await api(
        'DELETE',
        `/session/v1/session/${session}/player/${lead.active_player_uuid}`,
        lead.access_token,
      );
      expect(self.status).toBe(204);
      const gone = await api('DELETE', `/session/v1/session/${session}/player/${carl.active_player_uuid}`, admin);
      expect(gone.status).toBe(404);
    });

    it('lets the leader promote a member', async () => {
      const [lead, bob] = [await player(), await player()];
      const session = (await createOrJoin(service.baseUrl, lead.access_token, 'hub', { region_id: 'promote' })).body
        .session_id;
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'promote' });
      const byMember = await api(
        'POST',
        `/session/v2/session/${session}/player/${lead.active_player_uuid}:promote`,
        bob.access_token,
      );
      expect(byMember.status).toBe(403);
      const promoted = await api(
        'POST',
        `/session/v2/session/${session}/player/${bob.active_player_uuid}:promote`,
        lead.access_token,
      );
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ player_uuid: bob.active_player_uuid, status: 'leader' });
      const read = await getSession(service.baseUrl, admin, session);
      expect(read.body.teams[0].players.map((p: { status: string }) => p.status)).toEqual(['member', 'leader']);
      const invitee = (await player()).active_player_uuid;
      await api('POST', `/session/v2/session/${session}/player/${invitee}:invite`, bob.access_token, {});
      const promoteInvited = await api(
        'POST',
        `/session/v2/session/${session}/player/${invitee}:promote`,
        bob.access_token,
      );
      expect(promoteInvited.status).toBe(400);
      expect(promoteInvited.body.error_code).toBe('player_not_a_member');
    });

    it('lets the leader update the session, and refuses teams smaller than their seats', async () => {
      const [lead, bob] = [await player(), await player()];
      const session = (await createOrJoin(service.baseUrl, lead.access_token, 'hub', { region_id: 'patch' })).body
        .session_id;
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'patch' });
      const updated = await api('PATCH', `/session/v1/session/${session}`, lead.access_token, {
        custom_data: { map: 'dunes' },
        joinability: { open: false, friends: true },
      });
      expect(updated.status).toBe(200);
      expectRallyHereSchema('session', 'Session', updated.body);
      expect(updated.body).toMatchObject({
        custom_data: { map: 'dunes' },
        joinable: false,
        joinability: { open: false, friends: true },
      });
      const byMember = await api('PATCH', `/session/v1/session/${session}`, bob.access_token, {
        custom_data: { map: 'x' },
      });
      expect(byMember.status).toBe(403);
      const teams = await api('PATCH', `/session/v1/session/${session}`, lead.access_token, {
        teams: [{ max_size: 1 }],
      });
      expect(teams.status).toBe(400);
      expect(teams.body.error_code).toBe('team_size_below_occupied');
      const bad = await api('PATCH', `/session/v1/session/${session}`, lead.access_token, { custom_data: { map: '' } });
      expect(bad.status).toBe(422);
    });

    it('lets the leader close the session', async () => {
      const [lead, bob] = [await player(), await player()];
      const session = (await createOrJoin(service.baseUrl, lead.access_token, 'hub', { region_id: 'close' })).body
        .session_id;
      await createOrJoin(service.baseUrl, bob.access_token, 'hub', { region_id: 'close' });
      expect((await api('DELETE', `/session/v1/session/${session}`, bob.access_token)).status).toBe(403);
      expect((await api('DELETE', `/session/v1/session/${session}`, lead.access_token)).status).toBe(204);
      expect((await getSession(service.baseUrl, lead.access_token, session)).status).toBe(404);
      const seats = await db.query(`SELECT status FROM seat WHERE session_id = $1`, [session]);
      expect(seats.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
      // Their next create-or-join opens a new session.
      const next = await createOrJoin(service.baseUrl, lead.access_token, 'hub', { region_id: 'close' });
      expect(next.body.session_id).not.toBe(session);
    });
  });
});
