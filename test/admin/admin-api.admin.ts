import { hashSecret } from '../../src/auth/secrets.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { createOrJoin } from '../utils/sessions.js';
import { basic, http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

const DUO = {
  session_type: 'duo-admin',
  attempt_auto_join: true,
  can_be_created_by_players_directly: true,
  default_public: true,
  players_per_team: 2,
};
const TEMPLATE = {
  session_type: 'arena',
  attempt_auto_join: true,
  can_be_created_by_players_directly: true,
  default_public: true,
  players_per_team: 4,
};

describe('Admin API: refusals and rules', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  const api = (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
    http(service.baseUrl, method, path, { token, body, headers });

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    admin = (await loginAdmin(service.baseUrl)).access_token;
    await api('POST', '/admin/v1/templates', admin, DUO);
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  /** Every admin route in the OpenAPI document, with its parameters filled in. */
  async function adminRoutes(): Promise<{ method: string; path: string }[]> {
    const doc = await api('GET', '/docs-json');
    const routes: { method: string; path: string }[] = [];
    for (const [path, operations] of Object.entries(doc.body.paths as Record<string, object>)) {
      if (!path.startsWith('/admin/')) continue;
      for (const method of Object.keys(operations)) {
        routes.push({
          method: method.toUpperCase(),
          path: path.replace(/\{[^}]+\}/g, (p) => (p === '{seat_id}' ? '00000000-0000-4000-8000-000000000000' : 'x-1')),
        });
      }
    }
    return routes;
  }

  it('refuses every admin route to anonymous callers, players and game servers', async () => {
    const routes = await adminRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(18);
    const player = (await loginPlayer(service.baseUrl, 'admin-refusal-player')).access_token;
    await db.query(
      `INSERT INTO auth_client (client_id, secret_hash, grants, role) VALUES ('server-1', $1, ARRAY['client_credentials'], 'game-server')`,
      [await hashSecret('server-secret-123')],
    );
    const server = (
      await http(service.baseUrl, 'POST', '/users/v1/login', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic('server-1', 'server-secret-123') },
      })
    ).body.access_token as string;
    for (const route of routes) {
      const body = route.method === 'GET' ? undefined : {};
      const anonymous = await api(route.method, route.path, undefined, body);
      expect({ route, status: anonymous.status, auth: anonymous.body.auth_success }).toEqual({
        route,
        status: 403,
        auth: false,
      });
      for (const token of [player, server]) {
        const refused = await api(route.method, route.path, token, body);
        expect({ route, status: refused.status, body: refused.body }).toEqual({
          route,
          status: 403,
          body: { auth_success: true, error_code: 'insufficient_permissions', desc: expect.stringContaining('admin:') },
        });
      }
    }
    // Every refusal of a change, and every refused read, is in the audit log.
    const audit = await api('GET', '/admin/v1/audit?outcome=refused&limit=500', admin);
    expect(audit.body.entries.length).toBe(routes.length * 3);
    expect(audit.body.entries[0]).toMatchObject({ outcome: 'refused', status: 403, actor_kind: 'anonymous' });
    expect(audit.body.entries.map((e: { actor_role?: string }) => e.actor_role)).toEqual(
      expect.arrayContaining(['player', 'game-server']),
    );
  });

  it('validates every body with a 422 detail list and writes nothing', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/admin/v1/templates', { session_type: 'bad type!', num_teams: 0, surprise: 1 }],
      ['POST', '/admin/v1/clients', { client_id: 'x', grants: ['password'] }],
      ['POST', '/admin/v1/roles', { name: 'Ops', permissions: ['not a permission'] }],
      ['PUT', '/admin/v1/roles/player', { permissions: 'session:*' }],
      ['GET', '/admin/v1/sessions?limit=1000&status=SLEEPING', undefined],
      ['GET', '/admin/v1/audit?after=-1', undefined],
    ];
    const before = await db.query(
      `SELECT (SELECT count(*) FROM session_template)::int AS t, (SELECT count(*) FROM auth_client)::int AS c, (SELECT count(*) FROM role)::int AS r`,
    );
    for (const [method, path, body] of cases) {
      const result = await api(method, path, admin, body);
      expect({ path, status: result.status }).toEqual({ path, status: 422 });
      expect(result.body.detail.length).toBeGreaterThan(0);
    }
    const after = await db.query(
      `SELECT (SELECT count(*) FROM session_template)::int AS t, (SELECT count(*) FROM auth_client)::int AS c, (SELECT count(*) FROM role)::int AS r`,
    );
    expect(after).toEqual(before);
  });

  it('answers 404 for what does not exist', async () => {
    for (const [method, path] of [
      ['DELETE', '/admin/v1/templates/nope'],
      ['GET', '/admin/v1/templates/nope'],
      ['GET', '/admin/v1/sessions/8d4a5a4e-0000-4000-8000-000000000000'],
      ['POST', '/admin/v1/sessions/8d4a5a4e-0000-4000-8000-000000000000:terminate'],
      ['POST', '/admin/v1/seats/8d4a5a4e-0000-4000-8000-000000000000:release'],
      ['POST', '/admin/v1/clients/nobody:rotate'],
      ['PUT', '/admin/v1/roles/nobody'],
      ['DELETE', '/admin/v1/roles/nobody'],
    ]) {
      const result = await api(method, path, admin, method === 'PUT' ? { permissions: [] } : undefined);
      expect({ path, status: result.status, auth: result.body.auth_success }).toEqual({
        path,
        status: 404,
        auth: true,
      });
    }
  });

  it('never loses a concurrent template edit', async () => {
    const created = await api('POST', '/admin/v1/templates', admin, TEMPLATE);
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const duplicate = await api('POST', '/admin/v1/templates', admin, TEMPLATE);
    expect(duplicate.status).toBe(409);

    // Two operators edit the same version at once: one wins, the other gets 412.
    const edits = await Promise.all(
      [6, 10].map((size) =>
        api('PUT', '/admin/v1/templates/arena', admin, { ...TEMPLATE, players_per_team: size }, { 'if-match': etag }),
      ),
    );
    expect(edits.map((e) => e.status).sort()).toEqual([200, 412]);
    const winner = edits.find((e) => e.status === 200)!;
    expect(winner.headers.get('etag')).toBe('"2"');
    expect(edits.find((e) => e.status === 412)!.body.error_code).toBe('session_template_version_mismatch');
    const current = await api('GET', '/admin/v1/templates/arena', admin);
    expect(current.body.template.players_per_team).toBe(winner.body.template.players_per_team);

    const unconditional = await api('PUT', '/admin/v1/templates/arena', admin, TEMPLATE);
    expect(unconditional.status).toBe(428);
    const mismatch = await api(
      'PUT',
      '/admin/v1/templates/arena',
      admin,
      { ...TEMPLATE, session_type: 'other' },
      { 'if-match': '"2"' },
    );
    expect(mismatch.status).toBe(400);
  });

  it('applies template changes to new sessions at once, and protects templates in use', async () => {
    await api('POST', '/admin/v1/templates', admin, { ...TEMPLATE, session_type: 'live' });
    const player = await loginPlayer(service.baseUrl, 'admin-live-1');
    const joined = await createOrJoin(service.baseUrl, player.access_token, 'live');
    expect(joined.status).toBe(200);
    const inUse = await api('DELETE', '/admin/v1/templates/live', admin);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error_code).toBe('session_template_in_use');
    const stale = await api('DELETE', '/admin/v1/templates/live?force=true', admin, undefined, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const forced = await api('DELETE', '/admin/v1/templates/live?force=true', admin);
    expect(forced.status).toBe(204);
    // The live session goes on; no new one of the type can be made.
    expect(
      (
        await http(service.baseUrl, 'GET', `/session/v1/session/${joined.body.session_id}`, {
          token: player.access_token,
        })
      ).status,
    ).toBe(200);
    const other = await loginPlayer(service.baseUrl, 'admin-live-2');
    expect((await createOrJoin(service.baseUrl, other.access_token, 'live')).body.error_code).toBe(
      'session_template_not_found',
    );
    await expectLedgerInvariants(db);
  });

  it('applies a template change made on one instance to new sessions on another, without a restart', async () => {
    const other = await TestApp.start(db);
    try {
      await api('POST', '/admin/v1/templates', admin, { ...TEMPLATE, session_type: 'elsewhere', players_per_team: 2 });
      const player = await loginPlayer(other.baseUrl, 'admin-elsewhere-1');
      const joined = await createOrJoin(other.baseUrl, player.access_token, 'elsewhere');
      expect(joined.status).toBe(200);
      const read = await api('GET', '/admin/v1/templates/elsewhere', admin);
      await api(
        'PUT',
        '/admin/v1/templates/elsewhere',
        admin,
        { ...TEMPLATE, session_type: 'elsewhere', players_per_team: 5 },
        {
          'if-match': read.headers.get('etag')!,
        },
      );
      // The open session keeps its two seats; the next session the other instance creates has five.
      await createOrJoin(
        other.baseUrl,
        (await loginPlayer(other.baseUrl, 'admin-elsewhere-2')).access_token,
        'elsewhere',
      );
      const third = await createOrJoin(
        other.baseUrl,
        (await loginPlayer(other.baseUrl, 'admin-elsewhere-3')).access_token,
        'elsewhere',
      );
      const sessions = await db.query(
        `SELECT id, max_players FROM game_session WHERE type = 'elsewhere' ORDER BY created_at`,
      );
      expect(sessions.map((s) => s.max_players)).toEqual([2, 5]);
      expect(third.body.session_id).toBe(sessions[1].id);
    } finally {
      await other.close();
    }
  });

  it('manages clients: the secret is shown once, disabling and rotating take effect at once', async () => {
    const created = await api('POST', '/admin/v1/clients', admin, {
      client_id: 'launcher',
      grants: ['anon', 'refresh'],
      description: 'PC launcher',
    });
    expect(created.status).toBe(201);
    const secret = created.body.client_secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const listed = await api('GET', '/admin/v1/clients', admin);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const [stored] = await db.query(`SELECT secret_hash FROM auth_client WHERE client_id = 'launcher'`);
    expect(stored.secret_hash).not.toContain(secret);
    const login = (s: string) =>
      http(service.baseUrl, 'POST', '/users/v1/login', {
        body: { grant_type: 'anon', portal_access_token: 'launcher-device' },
        headers: { authorization: basic('launcher', s) },
      });
    expect((await login(secret)).status).toBe(200);
    const rotated = await api('POST', '/admin/v1/clients/launcher:rotate', admin);
    expect((await login(secret)).status).toBe(403);
    expect((await login(rotated.body.client_secret)).status).toBe(200);
    await api('POST', '/admin/v1/clients/launcher:disable', admin);
    expect((await login(rotated.body.client_secret)).body.error_code).toBe('client_credentials_invalid');
    const noRole = await api('POST', '/admin/v1/clients', admin, { client_id: 'tool', grants: ['client_credentials'] });
    expect(noRole.status).toBe(400);
  });

  it('finds, reads, kicks from and terminates sessions; lists and releases seats', async () => {
    const players = await Promise.all([0, 1, 2, 3, 4].map((i) => loginPlayer(service.baseUrl, `admin-sessions-${i}`)));
    const sessions: string[] = [];
    for (const p of players)
      sessions.push(
        (await createOrJoin(service.baseUrl, p.access_token, 'duo-admin', { region_id: 'ops' })).body.session_id,
      );
    const [ada, bob, carl] = players;

    const all = await api('GET', '/admin/v1/sessions?type=duo-admin', admin);
    expect(all.status).toBe(200);
    expect(all.body.sessions.map((s: { player_count: number }) => s.player_count)).toEqual([1, 2, 2]);
    const paged = await api('GET', '/admin/v1/sessions?type=duo-admin&limit=2', admin);
    expect(paged.body.sessions).toHaveLength(2);
    const rest = await api('GET', `/admin/v1/sessions?type=duo-admin&limit=2&cursor=${paged.body.next_cursor}`, admin);
    expect(rest.body.sessions).toHaveLength(1);
    expect(rest.body.next_cursor).toBeUndefined();
    const free = await api('GET', '/admin/v1/sessions?type=duo-admin&has_free_seats=true', admin);
    expect(free.body.sessions).toHaveLength(1);
    const ofBob = await api('GET', `/admin/v1/sessions?player_id=${bob.active_player_uuid}`, admin);
    expect(ofBob.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([sessions[0]]);
    expect((await api('GET', '/admin/v1/sessions?cursor=garbage', admin)).status).toBe(422);
    const newest = await api('GET', '/admin/v1/sessions?type=duo-admin&limit=1', admin);
    expect(newest.body.sessions[0].session_id).toBe(sessions[4]);
    expect(newest.body.next_cursor).toBe(sessions[4]);

    const detail = await api('GET', `/admin/v1/sessions/${sessions[0]}`, admin);
    expect(detail.body).toMatchObject({
      type: 'duo-admin',
      status: 'ACTIVE',
      player_count: 2,
      region_id: 'ops',
      teams: [{ team_id: 0, max_size: 2, player_count: 2 }],
    });
    expect(detail.body.seats.map((s: { player_id: string; role: string }) => [s.player_id, s.role])).toEqual([
      [ada.active_player_uuid, 'leader'],
      [bob.active_player_uuid, 'member'],
    ]);

    expect(
      (await api('DELETE', `/admin/v1/sessions/${sessions[0]}/players/${bob.active_player_uuid}`, admin)).status,
    ).toBe(204);
    expect(
      (await api('DELETE', `/admin/v1/sessions/${sessions[0]}/players/${bob.active_player_uuid}`, admin)).status,
    ).toBe(404);
    const seats = await api('GET', `/admin/v1/players/${bob.active_player_uuid}/seats?all=true`, admin);
    expect(seats.body).toEqual([
      expect.objectContaining({ session_id: sessions[0], status: 'COMPLETED', session_type: 'duo-admin' }),
    ]);
    expect((await api('GET', `/admin/v1/players/${bob.active_player_uuid}/seats`, admin)).body).toEqual([]);

    const [carlSeat] = (await api('GET', `/admin/v1/players/${carl.active_player_uuid}/seats`, admin)).body;
    const released = await api('POST', `/admin/v1/seats/psess-${carlSeat.seat_id}:release`, admin);
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('COMPLETED');
    expect((await api('POST', `/admin/v1/seats/${carlSeat.seat_id}:release`, admin)).status).toBe(409);

    const terminated = await api('POST', `/admin/v1/sessions/${sessions[0]}:terminate`, admin);
    expect(terminated.status).toBe(200);
    expect(terminated.body).toMatchObject({
      status: 'TERMINATED',
      status_reason: 'TERMINATED_BY_OPERATOR',
      player_count: 0,
    });
    expect(terminated.body.seats.every((s: { status: string }) => s.status === 'COMPLETED')).toBe(true);
    expect((await api('POST', `/admin/v1/sessions/${sessions[0]}:terminate`, admin)).status).toBe(409);
    expect(
      (await http(service.baseUrl, 'GET', `/session/v1/session/${sessions[0]}`, { token: ada.access_token })).status,
    ).toBe(404);
    await expectLedgerInvariants(db);
  });

  it('manages roles', async () => {
    const created = await api('POST', '/admin/v1/roles', admin, {
      name: 'support',
      permissions: ['admin:sessions:read', 'admin:audit:read'],
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/admin/v1/roles', admin, { name: 'support', permissions: [] })).status).toBe(409);
    const changed = await api('PUT', '/admin/v1/roles/support', admin, { permissions: ['admin:sessions:read'] });
    expect(changed.body.permissions).toEqual(['admin:sessions:read']);
    expect((await api('DELETE', '/admin/v1/roles/player', admin)).status).toBe(400);
    expect((await api('DELETE', '/admin/v1/roles/support', admin)).status).toBe(204);
    const roles = await api('GET', '/admin/v1/roles', admin);
    expect(roles.body.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['admin', 'game-client', 'game-server', 'player']),
    );
  });
});
