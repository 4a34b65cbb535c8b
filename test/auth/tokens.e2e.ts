import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createOrJoinBody } from '../utils/sessions.js';
import { basic, GAME_CLIENT, http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/** Issue 13: cookie-borne tokens (item 6), claim shapes (item 11), refresh-token families (item 20). */
describe('Tokens (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  const mySession = (headers: Record<string, string>) =>
    http(service.baseUrl, 'GET', '/session/v1/player/me/session', { headers });

  describe('the Authorization cookie', () => {
    const cookie = (token: string) => `Authorization=Bearer%20${token}`;

    it('is refused on state-changing requests from a foreign or missing Origin', async () => {
      const player = await loginPlayer(service.baseUrl, 'device-cookie');
      const create = (headers: Record<string, string>) =>
        http(service.baseUrl, 'POST', '/session/v1/session', { headers, body: createOrJoinBody('party') });
      const foreign = await create({ cookie: cookie(player.access_token), origin: 'https://evil.example' });
      expect(foreign).toMatchObject({
        status: 403,
        body: { auth_success: false, error_code: 'auth_cookie_origin_mismatch' },
      });
      const none = await create({ cookie: cookie(player.access_token) });
      expect(none.body.error_code).toBe('auth_cookie_origin_mismatch');
      const opaque = await create({ cookie: cookie(player.access_token), origin: 'null' });
      expect(opaque.body.error_code).toBe('auth_cookie_origin_mismatch');
      expect(await db.query(`SELECT 1 FROM seat WHERE player_id = $1`, [player.active_player_uuid])).toEqual([]);
      // The same request with the token in the Authorization header is not concerned.
      const header = await create({ authorization: `Bearer ${player.access_token}`, origin: 'https://evil.example' });
      expect(header.status).toBe(200);
    });

    it('is refused on a bodyless admin POST (a cross-site form), and the client stays enabled', async () => {
      const admin = await loginAdmin(service.baseUrl);
      const disable = await http(service.baseUrl, 'POST', `/admin/v1/clients/${GAME_CLIENT.clientId}:disable`, {
        headers: { cookie: cookie(admin.access_token), origin: 'https://evil.example' },
      });
      expect(disable.status).toBe(403);
      expect(disable.body.error_code).toBe('auth_cookie_origin_mismatch');
      const [row] = await db.query(`SELECT enabled FROM auth_client WHERE client_id = $1`, [GAME_CLIENT.clientId]);
      expect(row.enabled).toBe(true);
    });

    it('still authenticates reads from any origin, and writes from this service’s own origin', async () => {
      const player = await loginPlayer(service.baseUrl, 'device-cookie-read');
      const read = await mySession({ cookie: cookie(player.access_token), origin: 'https://evil.example' });
      expect(read.status).not.toBe(403);
      const own = await http(service.baseUrl, 'POST', '/session/v1/session', {
        headers: { cookie: cookie(player.access_token), origin: service.baseUrl },
        body: createOrJoinBody('party'),
      });
      expect(own.status).toBe(200);
    });

    it('answers a malformed cookie as no token, never 500', async () => {
      const result = await mySession({ cookie: 'Authorization=%' });
      expect(result).toMatchObject({ status: 403, body: { auth_success: false, error_code: 'auth_not_jwt' } });
    });
  });

  describe('tokens signed with the real key but not of the issued shape', () => {
    let kid: string;
    let claims: jwt.JwtPayload;

    beforeAll(async () => {
      const player = await loginPlayer(service.baseUrl, 'device-claims');
      const decoded = jwt.decode(player.access_token, { complete: true }) as unknown as {
        header: jwt.JwtHeader;
        payload: jwt.JwtPayload;
      };
      kid = decoded.header.kid!;
      claims = { ...decoded.payload };
      delete claims.iat;
      delete claims.exp;
    });

    const sign = async (payload: Record<string, unknown>, options: jwt.SignOptions = { expiresIn: 600 }) =>
      jwt.sign(payload, await db.signingKey(kid), { algorithm: 'RS256', keyid: kid, ...options });
    const call = async (token: string) => mySession({ authorization: `Bearer ${token}` });

    it('accepts the issued shape (the control)', async () => {
      expect((await call(await sign(claims))).status).not.toBe(403);
    });

    it.each([
      ['without exp', () => sign(claims, {})],
      ['with a foreign aud', () => sign({ ...claims, aud: 'another-service' })],
      ['with perms a string', () => sign({ ...claims, perms: 'session:*' })],
      ['with perms not strings', () => sign({ ...claims, perms: [1, { p: '*' }] })],
      ['with perms an object', () => sign({ ...claims, perms: { 0: '*' } })],
      ['without typ', () => sign({ ...claims, typ: undefined })],
      ['with a player sub that is not a UUID', () => sign({ ...claims, sub: "x' OR 1=1" })],
    ])('refuses a token %s with auth_token_invalid_claim', async (_name, make) => {
      const result = await call(await make());
      expect(result).toMatchObject({
        status: 403,
        body: { auth_success: false, error_code: 'auth_token_invalid_claim' },
      });
    });

    it('refuses a token whose exp is not a number', async () => {
      // jsonwebtoken will not sign this: the token is put together by hand.
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part({ ...claims, exp: 'never' })}`;
      const signature = cryptoSign('sha256', Buffer.from(unsigned), await db.signingKey(kid)).toString('base64url');
      const result = await call(`${unsigned}.${signature}`);
      expect(result.status).toBe(403);
      expect(result.body.auth_success).toBe(false);
    });
  });

  describe('refresh tokens', () => {
    const refresh = (token: string, client: { clientId: string; secret: string } = GAME_CLIENT) =>
      http(service.baseUrl, 'POST', '/users/v1/login', {
        body: { grant_type: 'refresh', portal_access_token: token },
        headers: { authorization: basic(client.clientId, client.secret) },
      });

    it('revokes the whole family when a used token comes back', async () => {
      const first = await loginPlayer(service.baseUrl, 'device-family', { include_refresh: true });
      const second = await refresh(first.refresh_token!);
      expect(second.status).toBe(200);
      const third = await refresh(second.body.refresh_token);
      expect(third.status).toBe(200);
      // The first token again: someone else holds it.
      const reused = await refresh(first.refresh_token!);
      expect(reused).toMatchObject({ status: 403, body: { error_code: 'refresh_token_not_found' } });
      // The newest descendant is revoked with it.
      const descendant = await refresh(third.body.refresh_token);
      expect(descendant).toMatchObject({ status: 403, body: { error_code: 'refresh_token_not_found' } });
      const live = await db.query(
        `SELECT count(*)::int AS n FROM refresh_token WHERE player_id = $1 AND revoked_at IS NULL`,
        [first.active_player_uuid],
      );
      expect(live[0].n).toBe(0);
      // Another login is another family, untouched.
      const again = await loginPlayer(service.baseUrl, 'device-family', { include_refresh: true });
      expect((await refresh(again.refresh_token!)).status).toBe(200);
    });

    it('does not consume a token presented through the wrong client', async () => {
      const admin = await loginAdmin(service.baseUrl);
      const other = await http(service.baseUrl, 'POST', '/admin/v1/clients', {
        token: admin.access_token,
        body: { client_id: 'other-game', grants: ['anon', 'refresh'] },
      });
      expect(other.status).toBe(201);
      const victim = await loginPlayer(service.baseUrl, 'device-victim', { include_refresh: true });
      const stolen = await refresh(victim.refresh_token!, { clientId: 'other-game', secret: other.body.client_secret });
      expect(stolen).toMatchObject({ status: 403, body: { error_code: 'refresh_token_client_id_mismatch' } });
      // The owner's refresh still works.
      const owner = await refresh(victim.refresh_token!);
      expect(owner.status).toBe(200);
      expect(owner.body.active_player_uuid).toBe(victim.active_player_uuid);
    });
  });
});

/** Issue 13, item 18: the stored signing key is sealed with SECRETS_ENCRYPTION_KEY. */
describe('Stored signing keys (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await TestDatabase.create();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('seals a key stored in clear by an older version, and keeps signing with it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'legacy-kid', alg: 'RS256', use: 'sig' };
    await db.query(`INSERT INTO signing_key (kid, private_key_pem, public_jwk) VALUES ('legacy-kid', $1, $2)`, [
      pem,
      jwk,
    ]);
    const service = await TestApp.start(db);
    try {
      const [row] = await db.query(`SELECT private_key_pem, private_key_sealed FROM signing_key`);
      expect(row.private_key_pem).toBeNull();
      expect(row.private_key_sealed).toMatch(/^v1\./);
      expect(row.private_key_sealed).not.toContain('PRIVATE KEY');
      const player = await loginPlayer(service.baseUrl, 'device-sealed');
      expect(jwt.decode(player.access_token, { complete: true })!.header.kid).toBe('legacy-kid');
      expect(jwt.verify(player.access_token, publicKey, { algorithms: ['RS256'] })).toMatchObject({
        sub: player.active_player_uuid,
      });
    } finally {
      await service.close();
    }
  });

  it('under another SECRETS_ENCRYPTION_KEY, retires the key it cannot open and signs with a new one', async () => {
    const first = await TestApp.start(db);
    let before: string;
    try {
      before = (await loginPlayer(first.baseUrl, 'device-rekey')).access_token;
    } finally {
      await first.close();
    }
    const second = await TestApp.start(db, { SECRETS_ENCRYPTION_KEY: 'Zr4Tq8Wm2Xk6Vn1Pb9Lc3Hd7Jf5Gs0Ya' });
    try {
      // Tokens signed before still verify (the public half is stored in clear) ...
      const check = await http(second.baseUrl, 'GET', '/session/v1/player/me/session', { token: before });
      expect(check.status).not.toBe(403);
      // ... and new ones are signed with a new key.
      const after = (await loginPlayer(second.baseUrl, 'device-rekey')).access_token;
      expect(jwt.decode(after, { complete: true })!.header.kid).not.toBe(
        jwt.decode(before, { complete: true })!.header.kid,
      );
      const rows = await db.query(`SELECT kid, retired_at FROM signing_key ORDER BY created_at`);
      expect(rows.filter((r) => r.retired_at === null)).toHaveLength(1);
      expect(rows.length).toBeGreaterThanOrEqual(2);
    } finally {
      await second.close();
    }
  });
});
