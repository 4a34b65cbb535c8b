import { ADMIN_CLIENT, basic, http, loginAdmin, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Issue 13, item 4: a caller may hand out only power it holds. A role with
 * `admin:clients:write` (or `admin:access-keys:write`) but not `*` cannot
 * create an `admin` client or key, nor take over the bootstrap admin.
 */
describe('Granting roles (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;
  let ops: string;

  const post = (path: string, token: string, body?: unknown) => http(service.baseUrl, 'POST', path, { token, body });
  const clientLogin = (clientId: string, secret: string) =>
    http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic(clientId, secret) },
    });
  const refusal = { auth_success: true, error_code: 'insufficient_permissions', desc: expect.any(String) };

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    admin = (await loginAdmin(service.baseUrl)).access_token;
    // An operator tool that may manage clients, keys and roles, without being admin.
    const role = await post('/admin/v1/roles', admin, {
      name: 'ops',
      permissions: ['admin:clients:read', 'admin:clients:write', 'admin:access-keys:write', 'admin:roles:write'],
    });
    expect(role.status).toBe(201);
    const tool = await post('/admin/v1/clients', admin, {
      client_id: 'ops-tool',
      grants: ['client_credentials'],
      role: 'ops',
    });
    expect(tool.status).toBe(201);
    const login = await clientLogin('ops-tool', tool.body.client_secret);
    expect(login.status).toBe(200);
    ops = login.body.access_token;
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('refuses a client with a role whose permissions the caller lacks, and writes nothing', async () => {
    const escalate = await post('/admin/v1/clients', ops, {
      client_id: 'evil-admin',
      grants: ['client_credentials'],
      role: 'admin',
    });
    expect(escalate).toMatchObject({ status: 403, body: refusal });
    expect(escalate.body.desc).toContain('admin');
    // A game client hands its player role to every player it logs in: the same rule.
    const players = await post('/admin/v1/clients', ops, { client_id: 'evil-game', grants: ['anon'] });
    expect(players).toMatchObject({ status: 403, body: refusal });
    const rows = await db.query(`SELECT client_id FROM auth_client WHERE client_id LIKE 'evil-%'`);
    expect(rows).toEqual([]);
  });

  it('lets the caller create a client with a role it holds', async () => {
    const same = await post('/admin/v1/clients', ops, {
      client_id: 'ops-tool-2',
      grants: ['client_credentials'],
      role: 'ops',
    });
    expect(same.status).toBe(201);
  });

  it("refuses to rotate, disable or enable the bootstrap admin's client", async () => {
    for (const action of ['rotate', 'disable', 'enable']) {
      const attempt = await post(`/admin/v1/clients/${ADMIN_CLIENT.clientId}:${action}`, ops);
      expect(attempt).toMatchObject({ status: 403, body: refusal });
    }
    // Its secret still works, and it is still enabled.
    expect((await clientLogin(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret)).status).toBe(200);
    // The admin itself still may.
    const rotated = await post('/admin/v1/clients/ops-tool-2:rotate', admin);
    expect(rotated.status).toBe(200);
  });

  it('refuses access keys for roles beyond the caller, and actions on such keys', async () => {
    for (const role of ['admin', 'game-server']) {
      const key = await post('/admin/v1/access-keys', ops, { role });
      expect(key).toMatchObject({ status: 403, body: refusal });
    }
    expect(await db.query(`SELECT id FROM access_key WHERE role = 'admin'`)).toEqual([]);
    const serverKey = await post('/admin/v1/access-keys', admin, { role: 'game-server' });
    expect(serverKey.status).toBe(201);
    const id = serverKey.body.access_key_id as string;
    expect(await post(`/admin/v1/access-keys/${id}:rotate`, ops)).toMatchObject({ status: 403, body: refusal });
    expect(await post(`/admin/v1/access-keys/${id}:disable`, ops)).toMatchObject({ status: 403, body: refusal });
    const [row] = await db.query(`SELECT enabled FROM access_key WHERE id = $1`, [id]);
    expect(row.enabled).toBe(true);
  });

  it('refuses to widen a role beyond what the caller holds', async () => {
    const widen = await http(service.baseUrl, 'PUT', '/admin/v1/roles/ops', {
      token: ops,
      body: { permissions: ['*'] },
    });
    expect(widen).toMatchObject({ status: 403, body: refusal });
    const create = await post('/admin/v1/roles', ops, { name: 'superuser', permissions: ['admin:*'] });
    expect(create).toMatchObject({ status: 403, body: refusal });
    // Editing the admin role (whose `*` the caller lacks) is refused too.
    const strip = await http(service.baseUrl, 'PUT', '/admin/v1/roles/admin', {
      token: ops,
      body: { permissions: [] },
    });
    expect(strip).toMatchObject({ status: 403, body: refusal });
    const [role] = await db.query(`SELECT permissions FROM role WHERE name = 'admin'`);
    expect(role.permissions).toEqual(['*']);
    // Within its own permissions it may.
    const narrow = await post('/admin/v1/roles', ops, { name: 'clients-reader', permissions: ['admin:clients:read'] });
    expect(narrow.status).toBe(201);
  });
});
