import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Per-principal rate limiting: a player's budget is its own across routes,
 * public routes (login) are counted per IP, refusals are RallyHere's 429 with
 * `Retry-After`, and principals holding `ratelimit:exempt` are not counted.
 */
describe('Rate limiting (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_LIMIT: '3',
      RATE_LIMIT_ANONYMOUS_LIMIT: '4',
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('refuses a principal over its budget with 429 and Retry-After, and no one else', async () => {
    const [ada, bob] = [await loginPlayer(service.baseUrl, 'ada'), await loginPlayer(service.baseUrl, 'bob')];
    const mine = (token: string) => http(service.baseUrl, 'GET', '/session/v1/player/me/session', { token });
    const templates = (token: string) => http(service.baseUrl, 'GET', '/session/v1/template', { token });

    // Three requests on two routes spend Ada's budget; the fourth is refused.
    expect((await mine(ada.access_token)).status).toBe(200);
    expect((await mine(ada.access_token)).status).toBe(200);
    expect((await templates(ada.access_token)).status).toBe(200);
    const refused = await mine(ada.access_token);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ auth_success: true, error_code: 'rate_limited', desc: expect.any(String) });
    // One request is earned back every 20 s (3 per minute).
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);

    // Bob has his own budget.
    expect((await mine(bob.access_token)).status).toBe(200);
  });

  it('does not count principals holding ratelimit:exempt (the admin role holds `*`)', async () => {
    const admin = await loginAdmin(service.baseUrl);
    for (let i = 0; i < 10; i++) {
      const result = await http(service.baseUrl, 'GET', '/session/v1/player/me/session', {
        token: admin.access_token,
      });
      expect(result.status).not.toBe(429);
    }
  });

  it('counts public routes per IP: logins past the budget are refused', async () => {
    // ada, bob and the admin logged in above: the fourth login from this IP is the last allowed.
    await expect(loginPlayer(service.baseUrl, 'carol')).resolves.toMatchObject({ access_token: expect.any(String) });
    await expect(loginPlayer(service.baseUrl, 'dave')).rejects.toThrow(/login failed: 429 .*rate_limited/);
  });
});
