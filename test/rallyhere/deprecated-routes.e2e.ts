import { expectLedgerInvariants } from '../utils/invariants.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { addTemplate, createOrJoin, getSession, joinBody } from '../utils/sessions.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

type Player = Awaited<ReturnType<typeof loginPlayer>> & { active_player_id?: number };

/**
 * The routes RallyHere's Unreal SDK still calls: the deprecated player update and kick forms
 * (`/player/uuid/{uuid}`, `/player/id/{id}`, `/player/{uuid}`), `:move`, the v2 player update, and
 * `refresh_ttl` on every route the spec lists it for. Requests are shaped like the official OpenAPI.
 */
describe('RallyHere deprecated player routes (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  let device = 0;
  const player = async (): Promise<Player> => loginPlayer(service.baseUrl, `deprecated-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown) =>
    http(service.baseUrl, method, path, { token, body });

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    admin = (await loginAdmin(service.baseUrl)).access_token;
    await addTemplate(service.baseUrl, {
      session_type: 'squads',
      attempt_auto_join: false,
      can_be_created_by_players_directly: true,
      num_teams: 2,
      players_per_team: 2,
      can_change_own_team: false,
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  async function squad(leader: Player): Promise<string> {
    const created = await createOrJoin(service.baseUrl, leader.access_token, 'squads');
    expect(created.status).toBe(200);
    return created.body.session_id as string;
  }

  it('invites through /player/uuid/{uuid}, the friend accepts, the leader moves, promotes and kicks', async () => {
    const [lead, friend] = [await player(), await player()];
    const session = await squad(lead);

    const invited = await api(
      'POST',
      `/session/v1/session/${session}/player/uuid/${friend.active_player_uuid}?refresh_ttl=true`,
      lead.access_token,
      { status: 'invited', team_id: 0, custom_data: { from: 'party-ui' }, overflow_action: 'fail' },
    );
    expect(invited.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', invited.body);
    expect(invited.body).toEqual({
      player_uuid: friend.active_player_uuid,
      status: 'invited',
      team_id: 0,
      custom_data: { from: 'party-ui' },
    });

    const pending = await api('GET', '/session/v1/player/me/session', friend.access_token);
    expectRallyHereSchema('session', 'PlayerSessions', pending.body);
    expect(Object.keys(pending.body.sessions.squads.pending_invites)).toEqual([session]);

    const accepted = await api('POST', `/session/v1/session/${session}/player/me`, friend.access_token, joinBody());
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('member');

    // The template forbids players changing their own team; the leader may move them.
    const selfMove = await api(
      'POST',
      `/session/v1/session/${session}/player/uuid/${friend.active_player_uuid}`,
      friend.access_token,
      { team_id: 1 },
    );
    expect(selfMove.status).toBe(403);
    expectRallyHereSchema('session', 'HzApiErrorModel', selfMove.body);
    const moved = await api(
      'POST',
      `/session/v1/session/${session}/player/uuid/${friend.active_player_uuid}`,
      lead.access_token,
      { team_id: 1, custom_data: { role: 'medic' } },
    );
    expect(moved.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', moved.body);
    expect(moved.body).toMatchObject({ status: 'member', team_id: 1, custom_data: { role: 'medic' } });
    const read = await getSession(service.baseUrl, lead.access_token, session);
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body.teams.map((t: { players: unknown[] }) => t.players.length)).toEqual([1, 1]);

    const promoted = await api(
      'POST',
      `/session/v1/session/${session}/player/uuid/${friend.active_player_uuid}`,
      lead.access_token,
      { status: 'leader' },
    );
    expect(promoted.status).toBe(200);
    expect(promoted.body.status).toBe('leader');

    // The friend now leads and kicks the former leader through the deprecated DELETE.
    const kicked = await api(
      'DELETE',
      `/session/v1/session/${session}/player/uuid/${lead.active_player_uuid}?reason=afk&refresh_ttl=false`,
      friend.access_token,
    );
    expect(kicked.status).toBe(204);
    const after = await getSession(service.baseUrl, friend.access_token, session);
    expect(after.body.teams.flatMap((t: { players: { player_uuid: string }[] }) => t.players)).toEqual([
      expect.objectContaining({ player_uuid: friend.active_player_uuid, status: 'leader' }),
    ]);
    const missing = await api(
      'DELETE',
      `/session/v1/session/${session}/player/uuid/${lead.active_player_uuid}`,
      friend.access_token,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('player_not_in_session');
  });

  it('serves the /player/id/{player_id} forms by legacy id', async () => {
    const [lead, friend] = [await player(), await player()];
    expect(typeof friend.active_player_id).toBe('number');
    const session = await squad(lead);
    const invited = await api(
      'POST',
      `/session/v1/session/${session}/player/id/${friend.active_player_id}`,
      lead.access_token,
      { status: 'invited' },
    );
    expect(invited.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', invited.body);
    expect(invited.body.status).toBe('invited');
    const sessions = await api('GET', `/session/v1/player/id/${friend.active_player_id}/session`, friend.access_token);
    expect(sessions.status).toBe(200);
    expectRallyHereSchema('session', 'PlayerSessions', sessions.body);
    expect(Object.keys(sessions.body.sessions.squads.pending_invites)).toEqual([session]);
    const byUuid = await api(
      'GET',
      `/session/v1/player/uuid/${friend.active_player_uuid}/session`,
      friend.access_token,
    );
    expect(byUuid.body).toEqual(sessions.body);

    // The caller naming themselves joins (an invitation held is taken up).
    const joined = await api(
      'POST',
      `/session/v1/session/${session}/player/id/${friend.active_player_id}`,
      friend.access_token,
      { status: 'member' },
    );
    expect(joined.status).toBe(200);
    expect(joined.body.status).toBe('member');

    const kicked = await api(
      'DELETE',
      `/session/v1/session/${session}/player/id/${friend.active_player_id}`,
      lead.access_token,
    );
    expect(kicked.status).toBe(204);
    const unknown = await api('DELETE', `/session/v1/session/${session}/player/id/999999999`, lead.access_token);
    expect(unknown.status).toBe(404);
    expectRallyHereSchema('session', 'HzApiErrorModel', unknown.body);
    const notInt = await api('DELETE', `/session/v1/session/${session}/player/id/abc`, lead.access_token);
    expect(notInt.status).toBe(422);
    expectRallyHereSchema('session', 'HTTPValidationError', notInt.body);
  });

  it('serves :move, the v2 player update and the deprecated /player/{uuid} update', async () => {
    const [lead, mate] = [await player(), await player()];
    const session = await squad(lead);
    await api('POST', `/session/v2/session/${session}/player/${mate.active_player_uuid}:invite`, lead.access_token, {});
    await api('POST', `/session/v1/session/${session}/player/me`, mate.access_token, joinBody());

    const move = await api(
      'POST',
      `/session/v2/session/${session}/player/${mate.active_player_uuid}:move?refresh_ttl=true`,
      lead.access_token,
      { team_id: 1 },
    );
    expect(move.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', move.body);
    expect(move.body.team_id).toBe(1);
    const badTeam = await api(
      'POST',
      `/session/v2/session/${session}/player/${mate.active_player_uuid}:move`,
      lead.access_token,
      { team_id: 5 },
    );
    expect(badTeam.status).toBe(400);
    expect(badTeam.body.error_code).toBe('invalid_team_id');

    const own = await api(
      'POST',
      `/session/v2/session/${session}/player/${mate.active_player_uuid}`,
      mate.access_token,
      {
        custom_data: { ready: 'yes' },
      },
    );
    expect(own.status).toBe(200);
    expectRallyHereSchema('session', 'SessionPlayerUpdateResponse', own.body);
    expect(own.body.custom_data).toEqual({ ready: 'yes' });
    const others = await api(
      'POST',
      `/session/v2/session/${session}/player/${lead.active_player_uuid}`,
      mate.access_token,
      {
        custom_data: { ready: 'no' },
      },
    );
    expect(others.status).toBe(403);

    const v1 = await api(
      'POST',
      `/session/v1/session/${session}/player/${mate.active_player_uuid}`,
      lead.access_token,
      {
        custom_data: { slot: '2' },
      },
    );
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ team_id: 1, custom_data: { slot: '2' } });
    const overfill = await api(
      'POST',
      `/session/v1/session/${session}/player/uuid/${(await player()).active_player_uuid}`,
      lead.access_token,
      { overflow_action: 'overfill' },
    );
    expect(overfill.status).toBe(400);
    expect(overfill.body.error_code).toBe('overflow_action_not_supported');
  });

  it('accepts refresh_ttl on every route the spec lists it for', async () => {
    const [lead, mate] = [await player(), await player()];
    const session = await squad(lead);
    const q = '?refresh_ttl=false';
    const calls: [string, string, string, unknown?][] = [
      ['GET', `/session/v1/session/${session}${q}`, lead.access_token],
      ['PATCH', `/session/v1/session/${session}${q}`, lead.access_token, { custom_data: { a: 'b' } }],
      ['GET', `/session/v1/session/${session}/player${q}`, lead.access_token],
      ['GET', `/session/v1/session/${session}/player/${lead.active_player_uuid}${q}`, lead.access_token],
      ['POST', `/session/v2/session/${session}/player/${mate.active_player_uuid}:invite${q}`, lead.access_token, {}],
      ['POST', `/session/v1/session/${session}/player/me${q}`, mate.access_token, joinBody()],
      ['POST', `/session/v2/session/${session}/player/${mate.active_player_uuid}:promote${q}`, lead.access_token],
      ['DELETE', `/session/v1/session/${session}/player/${lead.active_player_uuid}${q}`, mate.access_token],
    ];
    for (const [method, path, token, body] of calls) {
      const answer = await api(method, path, token, body);
      expect({ path, method, status: answer.status }).toEqual({ path, method, status: expect.any(Number) });
      expect([200, 204]).toContain(answer.status);
    }
    const other = (await player()).access_token;
    const again = await createOrJoin(service.baseUrl, other, 'squads');
    expect((await api('DELETE', `/session/v1/session/me/player/me${q}`, other)).status).toBe(404);
    expect((await api('DELETE', `/session/v1/session/${again.body.session_id}/player/me${q}`, other)).status).toBe(204);
    const bad = await api('GET', `/session/v1/session/${session}?refresh_ttl=maybe`, lead.access_token);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['query', 'refresh_ttl']);
    expect((await api('DELETE', `/session/v1/session/${session}${q}`, admin)).status).toBe(204);
  });
});
