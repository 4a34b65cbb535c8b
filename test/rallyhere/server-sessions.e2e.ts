import { expectLedgerInvariants } from '../utils/invariants.js';
import { eventually } from '../utils/eventually.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { createOrJoin, createOrJoinBody, getSession, joinBody } from '../utils/sessions.js';
import { basic, http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Issue 11 item 3: sessions servers create. A client_credentials token holding `session:create` (a dedicated
 * server) creates sessions of types players may not create; `min_session_count` keeps the shipped `lobby`
 * template's public sessions open.
 */
describe('Sessions servers create (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  let server: string;
  let device = 0;
  const player = () => loginPlayer(service.baseUrl, `server-sessions-${device++}`);
  const api = (method: string, path: string, token: string, body?: unknown) =>
    http(service.baseUrl, method, path, { token, body });
  const openLobbies = async () =>
    (
      await db.query<{ id: string }>(
        `SELECT id FROM game_session WHERE type = 'lobby' AND status = 'ACTIVE' AND public AND has_room
          ORDER BY created_at`,
      )
    ).map((r) => r.id);

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { RESERVATION_SWEEP_INTERVAL_MS: '50' });
    admin = (await loginAdmin(service.baseUrl)).access_token;
    const created = await api('POST', '/admin/v1/clients', admin, {
      client_id: 'dedicated-server',
      grants: ['client_credentials'],
      role: 'game-server',
    });
    expect(created.status).toBe(201);
    const login = await http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic('dedicated-server', created.body.client_secret) },
    });
    expect(login.status).toBe(200);
    expect(login.body.permissions).toContain('session:create');
    server = login.body.access_token;
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  it('keeps the lobby template min_session_count public session(s) open, from the start', async () => {
    const [first] = await openLobbies();
    expect(first).toBeDefined();
    const joined = await createOrJoin(service.baseUrl, (await player()).access_token, 'lobby');
    expect(joined.status).toBe(200);
    expect(joined.body.session_id).toBe(first);
    // The open lobby closes to newcomers: the sweeper opens another one.
    expect((await api('PATCH', `/session/v1/session/${first}`, admin, { joinability: { open: false } })).status).toBe(
      200,
    );
    await eventually(async () => {
      const open = await openLobbies();
      return open.length === 1 && open[0] !== first;
    });
    const next = await createOrJoin(service.baseUrl, (await player()).access_token, 'lobby');
    expect(next.body.session_id).toBe((await openLobbies())[0]);
  });

  it('lets a server create sessions of a type players may not create, and players join them', async () => {
    const template = await api('GET', '/session/v1/template/lobby', server);
    expect(template.body.can_be_created_by_players_directly).toBe(false);
    const created = await api('POST', '/session/v1/session', server, createOrJoinBody('lobby', { region_id: 'eu-1' }));
    expect(created.status).toBe(200);
    expectRallyHereSchema('session', 'SessionJoinResponse', created.body);
    const session = created.body.session_id as string;
    const read = await getSession(service.baseUrl, server, session);
    expect(read.status).toBe(200);
    expectRallyHereSchema('session', 'Session', read.body);
    expect(read.body).toMatchObject({ type: 'lobby', region_id: 'eu-1', joinable: true });
    expect(read.body.teams[0].players).toEqual([]);
    // A second call creates another session: a server holds no seat, so it never joins.
    const again = await api('POST', '/session/v1/session', server, createOrJoinBody('lobby', { region_id: 'eu-1' }));
    expect(again.body.session_id).not.toBe(session);

    const ada = await player();
    const joined = await api('POST', `/session/v1/session/${session}/player/me`, ada.access_token, joinBody());
    expect(joined.status).toBe(200);
    expect(joined.body.status).toBe('leader');
    const byRegion = await createOrJoin(service.baseUrl, (await player()).access_token, 'lobby', { region_id: 'eu-1' });
    expect(byRegion.body.session_id).toBe(session);

    const unknown = await api('POST', '/session/v1/session', server, createOrJoinBody('no-such-type'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error_code).toBe('session_template_not_found');
  });

  it('refuses clients without session:create', async () => {
    const created = await api('POST', '/admin/v1/clients', admin, {
      client_id: 'gamelift-backend',
      grants: ['client_credentials'],
      role: 'game-client',
    });
    expect(created.status).toBe(201);
    const login = await http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic('gamelift-backend', created.body.client_secret) },
    });
    expect(login.status).toBe(200);
    expect(login.body.permissions).not.toContain('session:create');
    const refused = await api('POST', '/session/v1/session', login.body.access_token, createOrJoinBody('lobby'));
    expect(refused.status).toBe(403);
    expectRallyHereSchema('session', 'HzApiErrorModel', refused.body);
  });
});
