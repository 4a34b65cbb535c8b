import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../utils/eventually.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { createOrJoin, createOrJoinBody, getSession } from '../utils/sessions.js';
import { SseClient } from '../utils/sse.js';
import { basic, http, type HttpResult, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Issue 11 item 1: RallyHere instances, the game server of a session. A dedicated server (client token) or a
 * player registers as the host, updates the instance, sends health checks, unregisters it; a player may ask for a
 * game-server process instead; the allocation lookup finds a process's session. Every answer is checked against
 * RallyHere's official schemas; health is moved on by moving the instance's clock in SQL.
 */
describe('RallyHere instances (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  let server: string;
  let device = 0;
  const player = () => loginPlayer(service.baseUrl, `instances-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown) =>
    http(service.baseUrl, method, path, { token, body });
  const instance = (session: string) => `/session/v1/session/${session}/instance`;

  /** A client_credentials token of a new client holding `role`. */
  async function clientToken(clientId: string, role: string): Promise<string> {
    const created = await api('POST', '/admin/v1/clients', admin, {
      client_id: clientId,
      grants: ['client_credentials'],
      role,
    });
    expect(created.status).toBe(201);
    const login = await http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic(clientId, created.body.client_secret) },
    });
    expect(login.status).toBe(200);
    return login.body.access_token as string;
  }

  /** A session the server created, with a player who joined it (its leader). */
  async function hostedSession(type = 'hub') {
    const region = `inst-${randomUUID()}`;
    const created = await api('POST', '/session/v1/session', server, createOrJoinBody(type, { region_id: region }));
    expect(created.status).toBe(200);
    const leader = await player();
    const joined = await createOrJoin(service.baseUrl, leader.access_token, type, { region_id: region });
    expect(joined.body.session_id).toBe(created.body.session_id);
    return { session: created.body.session_id as string, leader };
  }

  function expectRefused(result: HttpResult, status: number, code: string) {
    expect({ status: result.status, code: result.body?.error_code }).toEqual({ status, code });
    expectRallyHereSchema('session', 'HzApiErrorModel', result.body);
  }

  function expectInvalid(result: HttpResult) {
    expect(result.status).toBe(422);
    expectRallyHereSchema('session', 'HTTPValidationError', result.body);
  }

  /** Moves the instance's clock: registered and checked `seconds` earlier. */
  async function ageInstance(session: string, seconds: number) {
    await db.query(
      `UPDATE session_instance SET created_at = created_at - make_interval(secs => $2),
              last_check_at = last_check_at - make_interval(secs => $2),
              health_checks = ARRAY(SELECT t - make_interval(secs => $2) FROM unnest(health_checks) AS t)
        WHERE session_id = $1`,
      [session, seconds],
    );
  }

  /** An idle, healthy, connected Server SDK process of the service's fleet, as the SDK endpoint records one. */
  async function idleProcess(port: number): Promise<{ id: string; pid: string }> {
    await db.query(
      `INSERT INTO compute (fleet_id, name, ip_address, location) VALUES ('fleet-joinery', 'inst-host', '203.0.113.5', 'us-east-1')
       ON CONFLICT DO NOTHING`,
    );
    const pid = `pid-${randomUUID()}`;
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO server_process (fleet_id, compute_name, pid, status, healthy, port, connection_id, connected,
                                   last_heartbeat_at, healthy_at)
       VALUES ('fleet-joinery', 'inst-host', $1, 'ACTIVE', true, $2, gen_random_uuid(), true, now(), now())
       RETURNING id`,
      [pid, port],
    );
    return { id: row.id, pid };
  }

  beforeAll(async () => {
    db = await TestDatabase.create();
    // The game-server sweeper (instance health) every 100 ms; a health check every 10 s, 50%, 6 in a row (defaults).
    service = await TestApp.start(db, { GAMELIFT_PROCESS_SWEEP_INTERVAL_MS: '100' });
    admin = (await loginAdmin(service.baseUrl)).access_token;
    server = await clientToken('instances-dedicated-server', 'game-server');
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  it('a dedicated server registers as the instance, makes it joinable, sends health checks; members see all of it, others the limited view', async () => {
    const { session, leader } = await hostedSession();
    const events = await SseClient.open(
      `${service.baseUrl}/session/v1/player/me/session/events`,
      leader.access_token,
      (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM session_event`))[0].id,
    );
    const registered = await api('POST', `${instance(session)}?refresh_ttl=true`, server, {
      instance_id: 'unreal-server-1',
      host_type: 'dedicated',
      instance_startup_params: { map: '/Game/Maps/Arena', mode: 'ctf', misc_params: '-log' },
      custom_data: { build: '42' },
    });
    expect(registered.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', registered.body);
    expect(registered.body).toEqual({
      instance_id: 'unreal-server-1',
      host_type: 'dedicated',
      join_status: 'pending',
      instance_health: 'unknown',
      instance_startup_params: { map: '/Game/Maps/Arena', mode: 'ctf', misc_params: '-log' },
      custom_data: { build: '42' },
      created: expect.any(String),
    });
    // The same registration again (a retry) gets it back; another host is refused.
    const retry = await api('POST', instance(session), server, { instance_id: 'unreal-server-1' });
    expect(retry.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', retry.body);
    expect(retry.body.created).toBe(registered.body.created);
    expectRefused(
      await api('POST', instance(session), server, { instance_id: 'another-server' }),
      403,
      'instance_already_registered',
    );
    expectRefused(
      await api('POST', instance(session), leader.access_token, { host_type: 'player' }),
      403,
      'instance_already_registered',
    );

    const joinable = await api('PATCH', instance(session), server, {
      join_status: 'joinable',
      join_params: {
        public_conn_str: '198.51.100.20:7777',
        private_conn_str: '10.0.0.20:7777',
        custom_data: { k: 'v' },
      },
      version: '1.4.0',
      match_id: 'match-1',
    });
    expect(joinable.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', joinable.body);
    expect(joinable.body).toMatchObject({
      join_status: 'joinable',
      join_params: {
        public_conn_str: '198.51.100.20:7777',
        private_conn_str: '10.0.0.20:7777',
        custom_data: { k: 'v' },
      },
      version: '1.4.0',
      match_id: 'match-1',
    });
    const health = await api('POST', `${instance(session)}/health`, server, {
      instance_health: 'healthy',
      instance_id: 'unreal-server-1',
    });
    expect(health.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceHealthStatusResponse', health.body);
    expect(health.body).toEqual({ updated_instance_health: 'healthy' });

    // A member reads the session with its instance, and how to connect.
    const read = await getSession(service.baseUrl, leader.access_token, session);
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body.instance).toEqual({ ...joinable.body, instance_health: 'healthy' });
    // Someone else gets the limited view: the instance's state, not how to connect, its host or its data.
    const stranger = await player();
    const limited = await getSession(service.baseUrl, stranger.access_token, session);
    expect(limited.status).toBe(200);
    expectRallyHereSchema('session', 'Session', limited.body);
    expect(limited.body.instance).toEqual({
      instance_id: 'unreal-server-1',
      host_type: 'dedicated',
      join_status: 'joinable',
      instance_health: 'healthy',
      created: registered.body.created,
    });
    // The server (session:read:any) sees all of it.
    expect((await getSession(service.baseUrl, server, session)).body.instance).toEqual(read.body.instance);

    // The leader's client heard it pushed, in order.
    await events.waitFor(3);
    expect(events.events.map((e) => [e.data.kind, e.data.data])).toEqual([
      ['instance_registered', { instance_id: 'unreal-server-1', host_type: 'dedicated', join_status: 'pending' }],
      ['instance_ready', { instance_id: 'unreal-server-1', join_status: 'joinable' }],
      ['instance_health_changed', { instance_id: 'unreal-server-1', instance_health: 'healthy', previous: 'unknown' }],
    ]);
    events.close();

    // Unregistering closes it; the session stays, and a new host may register.
    const ended = await api('DELETE', `${instance(session)}?refresh_ttl=false`, server);
    expect(ended.status).toBe(204);
    expect((await api('DELETE', instance(session), server)).status).toBe(204);
    const closed = await getSession(service.baseUrl, leader.access_token, session);
    expectRallyHereSchema('session', 'Session', closed.body);
    expect(closed.body.instance).toMatchObject({ join_status: 'closed', instance_health: 'unknown' });
    expectRefused(
      await api('POST', `${instance(session)}/health`, server, {
        instance_health: 'healthy',
        instance_id: 'unreal-server-1',
      }),
      404,
      'instance_not_found',
    );
    expectRefused(
      await api('PATCH', instance(session), server, { join_status: 'joinable' }),
      404,
      'instance_not_found',
    );
    const again = await api('POST', instance(session), server, { instance_id: 'unreal-server-2' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ instance_id: 'unreal-server-2', join_status: 'pending' });
  });

  it('serves the health config, and the browser shows the instance health', async () => {
    const config = await api('GET', '/session/v1/instance/health/config', (await player()).access_token);
    expect(config.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceHealthSettingsResponse', config.body);
    expect(config.body).toEqual({
      cadence_seconds: 10,
      unhealthy_health_check_percentage: 50,
      missed_checks_before_unknown: 6,
    });
    const { session, leader } = await hostedSession();
    expect((await api('POST', `/session/v1/session/${session}/browser`, admin, {})).status).toBe(200);
    const region = (await getSession(service.baseUrl, leader.access_token, session)).body.region_id;
    const browse = () => api('GET', `/session/v1/browser?session_type=hub&region_id=${region}`, leader.access_token);
    const before = await browse();
    expectRallyHereSchema('session', 'BrowserResponse', before.body);
    expect(before.body.browser_sessions).toEqual([expect.not.objectContaining({ instance_health: expect.anything() })]);
    await api('POST', instance(session), server, { instance_id: 'browsed' });
    await api('POST', `${instance(session)}/health`, server, { instance_health: 'degraded', instance_id: 'browsed' });
    const after = await browse();
    expectRallyHereSchema('session', 'BrowserResponse', after.body);
    expect(after.body.browser_sessions).toEqual([
      expect.objectContaining({ session_id: session, instance_health: 'degraded' }),
    ]);
  });

  it('a host that stops sending health checks becomes unhealthy, then unknown (the sweeper sends both), and may then be replaced', async () => {
    const { session, leader } = await hostedSession();
    await api('POST', instance(session), server, { instance_id: 'quiet' });
    const check = () =>
      api('POST', `${instance(session)}/health`, server, { instance_health: 'healthy', instance_id: 'quiet' });
    // A check every 10 s for a minute (the clock moved in SQL between them).
    for (let n = 0; n < 6; n++) {
      expect((await check()).body).toEqual({ updated_instance_health: 'healthy' });
      await ageInstance(session, 10);
    }
    const healthOf = async () => (await getSession(service.baseUrl, leader.access_token, session)).body.instance;
    await expect(healthOf()).resolves.toMatchObject({ instance_health: 'healthy' });
    // Silent for 30 s: half the checks of the window are missing.
    await ageInstance(session, 20);
    const unhealthy = await getSession(service.baseUrl, leader.access_token, session);
    expectRallyHereSchema('session', 'Session', unhealthy.body);
    expect(unhealthy.body.instance.instance_health).toBe('unhealthy');
    const stored = async () =>
      (await db.query(`SELECT health FROM session_instance WHERE session_id = $1`, [session]))[0].health as string;
    await eventually(async () => (await stored()) === 'unhealthy');
    // Silent for 60 s (6 checks in a row): unknown; a new host may now register.
    await ageInstance(session, 30);
    await expect(healthOf()).resolves.toMatchObject({ instance_health: 'unknown' });
    await eventually(async () => (await stored()) === 'unknown');
    const changes = await db.query(
      `SELECT data FROM session_event WHERE session_id = $1 AND kind = 'instance_health_changed' ORDER BY id`,
      [session],
    );
    expect(changes.map((c) => [c.data.previous, c.data.instance_health])).toEqual([
      ['unknown', 'healthy'],
      ['healthy', 'unhealthy'],
      ['unhealthy', 'unknown'],
    ]);
    // The host comes back: its first check is answered unhealthy (too few checks in the window).
    expect((await check()).body).toEqual({ updated_instance_health: 'unhealthy' });
    await ageInstance(session, 61);
    const replaced = await api('POST', instance(session), leader.access_token, { host_type: 'player' });
    expect(replaced.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', replaced.body);
    expect(replaced.body).toMatchObject({ host_type: 'player', host_player_uuid: leader.active_player_uuid });
  });

  it('a player hosts the instance: the leader registers, sends health checks, ends it; other players may not', async () => {
    const leader = await player();
    const created = await createOrJoin(service.baseUrl, leader.access_token, 'party');
    expect(created.status).toBe(200);
    const session = created.body.session_id as string;
    const member = await player();
    const invited = await api(
      'POST',
      `/session/v2/session/${session}/player/${member.active_player_uuid}:invite`,
      leader.access_token,
      { team_id: 0 },
    );
    expect(invited.status).toBe(200);
    const accepted = await api('POST', `/session/v1/session/${session}/player/me`, member.access_token, {
      client_version: '1.0.0',
      client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
      team_id: 0,
    });
    expect(accepted.status).toBe(200);
    // Only the leader registers.
    expectRefused(
      await api('POST', instance(session), member.access_token, { host_type: 'player' }),
      403,
      'not_session_leader',
    );
    expectRefused(
      await api('POST', instance(session), leader.access_token, {
        host_type: 'player',
        host_player_uuid: member.active_player_uuid,
      }),
      403,
      'not_instance_host',
    );
    const hosted = await api('POST', instance(session), leader.access_token, { host_type: 'player' });
    expect(hosted.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', hosted.body);
    expect(hosted.body).toMatchObject({ host_type: 'player', host_player_uuid: leader.active_player_uuid });
    const id = hosted.body.instance_id as string;
    // The host (the player role holds session:instance:health); a member who is not the host may not.
    const check = (token: string) =>
      api('POST', `${instance(session)}/health`, token, { instance_health: 'healthy', instance_id: id });
    expect((await check(leader.access_token)).body).toEqual({ updated_instance_health: 'healthy' });
    expectRefused(await check(member.access_token), 403, 'not_instance_host');
    expectRefused(
      await api('PATCH', instance(session), member.access_token, { join_status: 'joinable' }),
      403,
      'not_instance_host',
    );
    expectRefused(await api('DELETE', instance(session), member.access_token), 403, 'not_instance_host');
    const updated = await api('PATCH', instance(session), leader.access_token, {
      join_status: 'joinable',
      join_params: { public_conn_str: 'steam.76561198000000000:7777', private_conn_str: '192.168.1.20:7777' },
    });
    expect(updated.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', updated.body);
    // A member sees how to connect.
    const read = await getSession(service.baseUrl, member.access_token, session);
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body.instance.join_params).toEqual({
      public_conn_str: 'steam.76561198000000000:7777',
      private_conn_str: '192.168.1.20:7777',
      custom_data: {},
    });
    expect((await api('DELETE', instance(session), leader.access_token)).status).toBe(204);
  });

  it('a player asks for a dedicated server: a game-server process is allocated; the allocation lookup finds the session', async () => {
    const { session, leader } = await hostedSession();
    expectRefused(
      await api('POST', instance(session), leader.access_token, {
        host_type: 'dedicated',
        instance_startup_params: { map: 'dust', misc_params: '' },
      }),
      403,
      'no_instance_available',
    );
    const process = await idleProcess(7777);
    const spawned = await api('POST', instance(session), leader.access_token, {
      host_type: 'dedicated',
      instance_startup_params: { map: 'dust', mode: 'ctf', misc_params: '' },
    });
    expect(spawned.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', spawned.body);
    const allocation = `arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/${session}`;
    expect(spawned.body).toEqual({
      instance_id: process.id,
      allocation_id: allocation,
      host_type: 'dedicated',
      host_dedicated_process_id: process.pid,
      host_dedicated_server_id: 'inst-host',
      join_status: 'pending',
      join_params: { public_conn_str: '203.0.113.5:7777', private_conn_str: '203.0.113.5:7777', custom_data: {} },
      instance_startup_params: { map: 'dust', mode: 'ctf', misc_params: '' },
      instance_health: 'healthy',
      created: expect.any(String),
      custom_data: {},
    });
    const [placed] = await db.query(`SELECT game_session_data, process_id FROM game_session WHERE id = $1`, [session]);
    expect(placed).toEqual({
      game_session_data: '{"map": "dust", "mode": "ctf", "misc_params": ""}',
      process_id: process.id,
    });

    // The server finds its session by the allocation id (its GameSessionId), and sees all of it.
    const found = await api('GET', `/session/v1/session/allocation/${encodeURIComponent(allocation)}`, server);
    expect(found.status).toBe(200);
    expect(found.headers.get('etag')).toBeTruthy();
    expectRallyHereSchema('session', 'Session', found.body);
    expect(found.body).toMatchObject({ session_id: session, instance: spawned.body });
    // The Unreal SDK puts path values in unencoded: the GameSessionId's slashes as they are.
    const unencoded = await api('GET', `/session/v1/session/allocation/${allocation}`, server);
    expect(unencoded.status).toBe(200);
    expect(unencoded.body).toEqual(found.body);
    // A principal with session:read:allocation alone gets the limited view.
    const watcher = await clientToken(
      'allocation-watcher',
      await role('allocation-watcher', ['session:read:allocation']),
    );
    const limited = await api('GET', `/session/v1/session/allocation/${encodeURIComponent(allocation)}`, watcher);
    expect(limited.status).toBe(200);
    expectRallyHereSchema('session', 'Session', limited.body);
    expect(limited.body.instance).toEqual({
      instance_id: process.id,
      host_type: 'dedicated',
      join_status: 'pending',
      instance_health: 'healthy',
      created: spawned.body.created,
    });
    expectRefused(
      await api(
        'GET',
        `/session/v1/session/allocation/${encodeURIComponent(`arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/${randomUUID()}`)}`,
        server,
      ),
      404,
      'session_not_found',
    );
    expectRefused(
      await api('GET', '/session/v1/session/allocation/not-an-allocation', server),
      404,
      'session_not_found',
    );

    // Updates of an allocated instance name its allocation.
    expectRefused(
      await api('PATCH', instance(session), server, { join_status: 'joinable' }),
      403,
      'allocation_id_mismatch',
    );
    expectRefused(
      await api('PATCH', instance(session), server, { allocation_id: 'another', join_status: 'joinable' }),
      403,
      'allocation_id_mismatch',
    );
    const patched = await api('PATCH', instance(session), server, {
      allocation_id: allocation,
      join_status: 'joinable',
    });
    expect(patched.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', patched.body);
    // The process has no host principal: only session:update:any ends it; it is told to terminate, the session stays.
    expectRefused(await api('DELETE', instance(session), leader.access_token), 403, 'not_instance_host');
    expect((await api('DELETE', instance(session), server)).status).toBe(204);
    await expect(
      db.query(`SELECT status, termination_reason FROM server_process WHERE id = $1`, [process.id]),
    ).resolves.toEqual([{ status: 'TERMINATED', termination_reason: 'INSTANCE_ENDED' }]);
    expect((await getSession(service.baseUrl, leader.access_token, session)).status).toBe(200);
  });

  /** A role of its own with exactly these permissions; returns its name. */
  async function role(name: string, permissions: string[]): Promise<string> {
    const created = await api('POST', '/admin/v1/roles', admin, { name, permissions });
    expect(created.status).toBe(201);
    return name;
  }

  it("declares each instance operation's permissions as RallyHere's description names them", async () => {
    const official = (
      JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'rallyhere-operations.json'), 'utf8')) as {
        documents: Record<string, { operations: { operationId: string; permissions?: string[] }[] }>;
      }
    ).documents['rallyhere-session.openapi.json'].operations;
    const explorer = await http(service.baseUrl, 'GET', '/docs-json');
    const declared = new Map<string, string[]>();
    for (const item of Object.values(explorer.body.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(item)) {
        if (operation?.operationId) declared.set(operation.operationId, operation['x-required-permissions']);
      }
    }
    const operations = [
      'create_instance_request',
      'update_instance_info',
      'end_instance',
      'instance_health_check',
      'instance_health_config',
      'get_session_by_allocation_id',
    ];
    for (const id of operations) {
      expect({ id, permissions: declared.get(id) }).toEqual({
        id,
        permissions: official.find((o) => o.operationId === id)!.permissions,
      });
    }
  });

  it('refuses tokens without the operation permission (403 insufficient_permissions)', async () => {
    const { session } = await hostedSession();
    const reader = await clientToken('instance-reader', await role('instance-reader', ['session:read:self']));
    for (const [method, path, body] of [
      ['POST', instance(session), { instance_id: 'x' }],
      ['PATCH', instance(session), { join_status: 'joinable' }],
      ['DELETE', instance(session), undefined],
      ['POST', `${instance(session)}/health`, { instance_health: 'healthy', instance_id: 'x' }],
      ['GET', '/session/v1/instance/health/config', undefined],
      [
        'GET',
        `/session/v1/session/allocation/arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/${session}`,
        undefined,
      ],
    ] as const) {
      const refused = await api(method, path, reader, body);
      expect(refused.body).toMatchObject({ auth_success: true });
      expectRefused(refused, 403, 'insufficient_permissions');
    }
    // Players may not look sessions up by allocation (session:read:allocation is the game-server role's).
    expectRefused(
      await api('GET', `/session/v1/session/allocation/x`, (await player()).access_token),
      403,
      'insufficient_permissions',
    );
    // No token at all.
    const anonymous = await http(service.baseUrl, 'POST', instance(session), { body: { instance_id: 'x' } });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toMatchObject({ auth_success: false });
    // A client with session:update:self only (not :any, not a player) is neither leader nor host.
    const selfOnly = await clientToken(
      'instance-self',
      await role('instance-self', ['session:update:self', 'session:instance:health']),
    );
    expectRefused(await api('POST', instance(session), selfOnly, { instance_id: 'x' }), 403, 'not_session_leader');
    await api('POST', instance(session), server, { instance_id: 'owned' });
    expectRefused(await api('PATCH', instance(session), selfOnly, { join_status: 'closed' }), 403, 'not_instance_host');
    expectRefused(
      await api('POST', `${instance(session)}/health`, selfOnly, {
        instance_health: 'unhealthy',
        instance_id: 'owned',
      }),
      403,
      'not_instance_host',
    );
  });

  it('answers bad input with RallyHere error shapes (422 detail, 400/404 codes), never 500', async () => {
    const { session, leader } = await hostedSession();
    const long = 'x'.repeat(129);
    const bad: [string, string, unknown][] = [
      ['POST', instance(session), { host_type: 'mainframe' }],
      ['POST', instance(session), { instance_id: '' }],
      ['POST', instance(session), { instance_id: long }],
      ['POST', instance(session), { instance_startup_params: { mode: 'ctf' } }],
      ['POST', instance(session), { instance_startup_params: [] }],
      ['POST', instance(session), { custom_data: { k: 1 } }],
      ['POST', instance(session), { host_player_uuid: 'not-a-uuid', host_type: 'player' }],
      ['POST', instance(session), { unknown_field: true }],
      ['POST', `${instance(session)}?refresh_ttl=maybe`, {}],
      ['POST', `/session/v1/session/${long}/instance`, {}],
      ['PATCH', instance(session), { version: 'not-semver' }],
      ['PATCH', instance(session), { join_status: 'open' }],
      ['PATCH', instance(session), { join_params: { public_conn_str: '1.2.3.4:7777' } }],
      ['PATCH', instance(session), { allocation_id: '' }],
      ['PATCH', instance(session), { custom_data: 'text' }],
      ['POST', `${instance(session)}/health`, { instance_health: 'healthy' }],
      ['POST', `${instance(session)}/health`, { instance_health: 'great', instance_id: 'x' }],
      ['POST', `${instance(session)}/health`, { instance_health: 'healthy', instance_id: long }],
      ['GET', `/session/v1/session/allocation/${long}`, undefined],
    ];
    for (const [method, path, body] of bad) {
      const result = await api(method, path, server, body);
      expectInvalid(result);
    }
    const raw = await http(service.baseUrl, 'POST', instance(session), {
      token: server,
      rawBody: '{"instance_id": ',
      headers: { 'content-type': 'application/json' },
    });
    expectInvalid(raw);
    expectRefused(
      await api('POST', instance(session), server, { instance_request_template_id: randomUUID() }),
      400,
      'instance_request_templates_not_supported',
    );
    expectRefused(
      await api('POST', instance(session), server, { host_type: 'player' }),
      400,
      'host_player_uuid_required',
    );
    const unknown = randomUUID();
    expectRefused(await api('POST', instance(unknown), server, {}), 404, 'session_not_found');
    expectRefused(await api('PATCH', instance(unknown), server, {}), 404, 'session_not_found');
    expectRefused(await api('DELETE', instance(unknown), server), 404, 'session_not_found');
    expectRefused(
      await api('POST', `${instance(unknown)}/health`, server, { instance_health: 'healthy', instance_id: 'x' }),
      404,
      'session_not_found',
    );
    expectRefused(await api('POST', instance('not-a-uuid'), server, {}), 404, 'session_not_found');
    // No instance yet.
    expectRefused(
      await api('PATCH', instance(session), server, { join_status: 'joinable' }),
      404,
      'instance_not_found',
    );
    expectRefused(await api('DELETE', instance(session), leader.access_token), 404, 'instance_not_found');
    expectRefused(
      await api('POST', `${instance(session)}/health`, server, { instance_health: 'healthy', instance_id: 'x' }),
      404,
      'instance_not_found',
    );
    // The wrong instance id.
    await api('POST', instance(session), server, { instance_id: 'right' });
    expectRefused(
      await api('POST', `${instance(session)}/health`, server, { instance_health: 'healthy', instance_id: 'wrong' }),
      404,
      'instance_not_found',
    );
    // A host that takes no allocation id is not named by one.
    expectRefused(
      await api('PATCH', instance(session), server, { allocation_id: 'alloc-1', join_status: 'joinable' }),
      403,
      'allocation_id_mismatch',
    );
  });
});
