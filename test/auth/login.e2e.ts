import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { hashSecret } from '../../src/auth/secrets.js';
import { createOrJoinBody } from '../utils/sessions.js';
import {
  ADMIN_CLIENT,
  basic,
  GAME_CLIENT,
  http,
  loginAdmin,
  loginPlayer,
  TestApp,
  TestDatabase,
} from '../utils/test-app.js';

describe('Auth (e2e)', () => {
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

  const login = (body: unknown, authorization = basic(GAME_CLIENT.clientId, GAME_CLIENT.secret)) =>
    http(service.baseUrl, 'POST', '/users/v1/login', { body, headers: { authorization } });

  it('gives the same player for the same device id, and another for another', async () => {
    const first = await loginPlayer(service.baseUrl, 'device-same');
    const second = await loginPlayer(service.baseUrl, 'device-same');
    const other = await loginPlayer(service.baseUrl, 'device-other');
    expect(second.active_player_uuid).toBe(first.active_player_uuid);
    expect(other.active_player_uuid).not.toBe(first.active_player_uuid);
    const rows = await db.query(`SELECT count(*)::int AS n FROM player WHERE platform = 'Anon'`);
    expect(rows[0].n).toBe(2);
  });

  it('answers a LoginResult whose token verifies against the published JWK set', async () => {
    const result = await login({ grant_type: 'anon', portal_access_token: 'device-jwks', portal_display_name: 'Ada' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      display_name: 'Ada',
      platform: 'Anon',
      client_id: GAME_CLIENT.clientId,
    });
    expect(result.body.permissions).toEqual(expect.arrayContaining(['session:create', 'session:read:self']));
    expect(result.body).not.toHaveProperty('refresh_token');

    const jwks = await http(service.baseUrl, 'GET', '/users/v1/publickeys');
    expect(jwks.status).toBe(200);
    const header = jwt.decode(result.body.access_token, { complete: true })!.header;
    const jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    const claims = jwt.verify(result.body.access_token, createPublicKey({ key: jwk, format: 'jwk' }), {
      algorithms: ['RS256'],
    }) as jwt.JwtPayload;
    expect(claims.sub).toBe(result.body.active_player_uuid);
    expect(claims.perms).toEqual(result.body.permissions);

    const one = await http(service.baseUrl, 'GET', `/users/v1/publickeys/${header.kid}`);
    expect(one.body).toEqual(jwk);
    const missing = await http(service.baseUrl, 'GET', '/users/v1/publickeys/nope');
    expect(missing.status).toBe(404);
  });

  it('logs a client in with client_credentials and refuses it to clients without a role', async () => {
    const admin = await loginAdmin(service.baseUrl);
    expect(admin.permissions).toEqual(['*']);
    const refused = await login({ grant_type: 'client_credentials' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ auth_success: false, error_code: 'client_auth_disabled', desc: expect.any(String) });
  });

  it('refuses wrong, missing and malformed client credentials', async () => {
    const wrong = await login(
      { grant_type: 'anon', portal_access_token: 'x' },
      basic(GAME_CLIENT.clientId, 'wrong-secret-123'),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ auth_success: false, error_code: 'client_credentials_invalid' });
    const unknown = await login({ grant_type: 'anon', portal_access_token: 'x' }, basic('nobody', 'whatever-secret'));
    expect(unknown.body.error_code).toBe('client_credentials_invalid');
    const missing = await http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'anon', portal_access_token: 'x' },
    });
    expect(missing.body).toMatchObject({ auth_success: false, error_code: 'basic_auth_credentials_not_found' });
    const malformed = await login({ grant_type: 'anon' }, `Basic ${Buffer.from('no-colon').toString('base64')}`);
    expect(malformed.body.error_code).toBe('basic_auth_incorrect_format');
    const adminAsPlayer = await login(
      { grant_type: 'anon', portal_access_token: 'x' },
      basic(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret),
    );
    expect(adminAsPlayer.body.error_code).toBe('user_auth_disabled');
  });

  it('refuses an empty device id and unsupported grant types', async () => {
    const empty = await login({ grant_type: 'anon', portal_access_token: '  ' });
    expect(empty.status).toBe(403);
    expect(empty.body.error_code).toBe('anon_token_empty');
    const steam = await login({ grant_type: 'steam', portal_access_token: 'ticket' });
    expect(steam.status).toBe(403);
    expect(steam.body).toMatchObject({ auth_success: false, error_code: 'invalid_grant_type' });
  });

  it('answers bad login bodies with a 422 detail list and writes nothing', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM player`);
    const bad = await login({ grant_type: 'password', portal_access_token: 42, surprise: true });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual(
      expect.arrayContaining([
        { loc: ['body', 'grant_type'], msg: expect.any(String), type: 'enum' },
        { loc: ['body', 'portal_access_token'], msg: expect.any(String), type: 'string_type' },
        { loc: ['body', 'surprise'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
      ]),
    );
    const missing = await login({});
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([{ loc: ['body', 'grant_type'], msg: 'Field required', type: 'missing' }]);
    const notJson = await http(service.baseUrl, 'POST', '/users/v1/login', {
      rawBody: '{"grant_type":',
      headers: { 'content-type': 'application/json', authorization: basic(GAME_CLIENT.clientId, GAME_CLIENT.secret) },
    });
    expect(notJson.status).toBe(422);
    expect(notJson.body.detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
    const array = await login([1, 2]);
    expect(array.status).toBe(422);
    const after = await db.query(`SELECT count(*)::int AS n FROM player`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('trades a refresh token once for new tokens', async () => {
    const first = await loginPlayer(service.baseUrl, 'device-refresh', { include_refresh: true });
    expect(first.refresh_token).toEqual(expect.any(String));
    const refreshed = await login({ grant_type: 'refresh', portal_access_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.active_player_uuid).toBe(first.active_player_uuid);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    const reused = await login({ grant_type: 'refresh', portal_access_token: first.refresh_token });
    expect(reused.status).toBe(403);
    expect(reused.body.error_code).toBe('refresh_token_not_found');
    const stored = await db.query(`SELECT token_digest FROM refresh_token`);
    expect(stored.map((r) => r.token_digest)).not.toContain(first.refresh_token);
  });

  describe('a route needing session:create', () => {
    const createOrJoin = (token?: string, headers: Record<string, string> = {}) =>
      http(service.baseUrl, 'POST', '/session/v1/session', { token, headers, body: createOrJoinBody('party') });

    it('answers 403 auth_success:false without a token', async () => {
      const result = await createOrJoin();
      expect(result.status).toBe(403);
      expect(result.body).toEqual({ auth_success: false, error_code: 'auth_not_jwt', desc: expect.any(String) });
    });

    it('answers 403 auth_success:true to a valid token without the permission', async () => {
      await db.query(`INSERT INTO role (name, permissions) VALUES ('observer', ARRAY['session:read:self'])`);
      await db.query(
        `INSERT INTO auth_client (client_id, secret_hash, grants, role) VALUES ('observer-tool', $1, ARRAY['client_credentials'], 'observer')`,
        [await hashSecret('observer-secret-123')],
      );
      const token = await login({ grant_type: 'client_credentials' }, basic('observer-tool', 'observer-secret-123'));
      expect(token.body.permissions).toEqual(['session:read:self']);
      const result = await createOrJoin(token.body.access_token);
      expect(result.status).toBe(403);
      expect(result.body).toEqual({
        auth_success: true,
        error_code: 'insufficient_permissions',
        desc: expect.stringContaining('session:create'),
      });
    });

    it('accepts a token with the permission, in the header or the Authorization cookie', async () => {
      const player = await loginPlayer(service.baseUrl, 'device-permitted');
      expect((await createOrJoin(player.access_token)).status).toBe(200);
      // A state-changing request authenticated by the cookie needs an Origin naming this service (issue 13, item 6).
      const viaCookie = await createOrJoin(undefined, {
        cookie: `Authorization=Bearer%20${player.access_token}`,
        origin: service.baseUrl,
      });
      expect(viaCookie.status).toBe(200);
    });

    it('refuses forged, tampered, expired and malformed tokens', async () => {
      const player = await loginPlayer(service.baseUrl, 'device-forger');
      const { header, payload } = jwt.decode(player.access_token, { complete: true }) as unknown as {
        header: jwt.JwtHeader;
        payload: jwt.JwtPayload;
      };
      const claims = { ...payload };
      delete claims.iat;
      delete claims.exp;

      const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = jwt.sign(claims, otherKey, { algorithm: 'RS256', keyid: header.kid, expiresIn: 600 });
      expect((await createOrJoin(forged)).body).toMatchObject({
        auth_success: false,
        error_code: 'auth_token_sig_invalid',
      });

      const unknownKid = jwt.sign(claims, otherKey, { algorithm: 'RS256', keyid: 'not-our-key', expiresIn: 600 });
      expect((await createOrJoin(unknownKid)).body).toMatchObject({
        auth_success: false,
        error_code: 'auth_invalid_key_id',
      });

      const [part0, , part2] = player.access_token.split('.');
      const widened = Buffer.from(JSON.stringify({ ...payload, perms: ['*'] })).toString('base64url');
      expect((await createOrJoin(`${part0}.${widened}.${part2}`)).body).toMatchObject({
        auth_success: false,
        error_code: 'auth_token_sig_invalid',
      });

      const expired = jwt.sign(
        { ...claims, exp: Math.floor(Date.now() / 1000) - 60 },
        await db.signingKey(header.kid!),
        {
          algorithm: 'RS256',
          keyid: header.kid,
        },
      );
      expect((await createOrJoin(expired)).body).toMatchObject({
        auth_success: false,
        error_code: 'auth_token_expired',
      });

      const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
      expect((await createOrJoin(unsigned)).status).toBe(403);
      expect((await createOrJoin(unsigned)).body.auth_success).toBe(false);
      expect((await createOrJoin('not.a.jwt')).body).toMatchObject({
        auth_success: false,
        error_code: 'auth_malformed_access',
      });
    });
  });

  it('reports readiness from the database', async () => {
    const live = await http(service.baseUrl, 'GET', '/health');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await http(service.baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document with bearer auth', async () => {
    const doc = await http(service.baseUrl, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/users/v1/login', '/health/ready']));
  });
});
