import { SecretBox } from '../../src/auth/secret-box.js';
import { RetentionPurge } from '../../src/auth/retention.js';
import { DEV_BOOTSTRAP } from '../../src/config/config.js';
import { signedCall } from '../clients/gamelift.js';
import { ServiceProcess } from '../utils/service-process.js';
import { createOrJoinBody } from '../utils/sessions.js';
import { basic, GAME_CLIENT, http, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * Issue 13, items 12-15: failed authentications are limited per IP before
 * any database work, unknown access keys are remembered, new anonymous
 * identities have a per-IP quota, unknown client ids cost the same scrypt
 * as wrong secrets, and X-Forwarded-For counts only with TRUST_PROXY.
 * Each test speaks from an IP of its own (X-Forwarded-For, trusted from
 * loopback here).
 */
describe('Abuse limits (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_ANONYMOUS_LIMIT: '1000',
      RATE_LIMIT_LIMIT: '1000',
      AUTH_FAILURE_LIMIT: '5',
      AUTH_FAILURE_WINDOW_MS: '600000',
      ANON_IDENTITY_LIMIT: '3',
      ANON_IDENTITY_WINDOW_MS: '600000',
      ACCESS_KEY_CACHE_TTL_MS: '120000',
      TRUST_PROXY: 'loopback',
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const login = (ip: string, body: unknown, authorization = basic(GAME_CLIENT.clientId, GAME_CLIENT.secret)) =>
    http(service.baseUrl, 'POST', '/users/v1/login', { body, headers: { ...from(ip), authorization } });
  const counter = async (name: string): Promise<number> => {
    const text = (await http(service.baseUrl, 'GET', '/metrics')).body as string;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1] ?? 0);
  };

  it('answers 429 to an IP past its failed attempts on admin routes, and stops writing audit rows', async () => {
    const auditRows = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_kind = 'anonymous'`))[0].n as number;
    const before = await auditRows();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const attempt = await http(service.baseUrl, 'POST', `/admin/v1/clients/${GAME_CLIENT.clientId}:disable`, {
        headers: { ...from('198.51.100.1'), authorization: 'Bearer not.a.token' },
      });
      statuses.push(attempt.status);
    }
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect((await auditRows()) - before).toBe(5);
    // Another IP is not concerned.
    const other = await http(service.baseUrl, 'POST', `/admin/v1/clients/${GAME_CLIENT.clientId}:disable`, {
      headers: { ...from('198.51.100.2') },
    });
    expect(other.status).toBe(403);
  });

  it('limits failed logins per IP before scrypt: after the budget even the right secret waits', async () => {
    const ip = '198.51.100.10';
    const hashesBefore = await counter('joinery_client_secret_hashes_total');
    for (let i = 0; i < 5; i++) {
      const wrong = await login(
        ip,
        { grant_type: 'anon', portal_access_token: 'd' },
        basic(GAME_CLIENT.clientId, 'wrong-secret-x'),
      );
      expect(wrong.body.error_code).toBe('client_credentials_invalid');
    }
    const hashesAfterFailures = await counter('joinery_client_secret_hashes_total');
    expect(hashesAfterFailures - hashesBefore).toBe(5);
    const refused = await login(ip, { grant_type: 'anon', portal_access_token: 'device-limited' });
    expect(refused).toMatchObject({ status: 429, body: { error_code: 'rate_limited' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Refused before the secret was hashed, before any player was written.
    expect(await counter('joinery_client_secret_hashes_total')).toBe(hashesAfterFailures);
    expect(await db.query(`SELECT 1 FROM player WHERE display_name = 'device-limited'`)).toEqual([]);
  });

  it('does the same scrypt work for an unknown client id as for a wrong secret', async () => {
    const before = await counter('joinery_client_secret_hashes_total');
    const unknown = await login(
      '198.51.100.20',
      { grant_type: 'anon', portal_access_token: 'd' },
      basic('no-such-client', 'whatever-secret'),
    );
    expect(unknown.body.error_code).toBe('client_credentials_invalid');
    expect((await counter('joinery_client_secret_hashes_total')) - before).toBe(1);
    const wrong = await login(
      '198.51.100.20',
      { grant_type: 'anon', portal_access_token: 'd' },
      basic(GAME_CLIENT.clientId, 'whatever-secret'),
    );
    expect(wrong.body.error_code).toBe('client_credentials_invalid');
    expect((await counter('joinery_client_secret_hashes_total')) - before).toBe(2);
  });

  it('spends the failure budget on unknown refresh tokens too', async () => {
    const ip = '198.51.100.30';
    for (let i = 0; i < 5; i++) {
      const guess = await login(ip, { grant_type: 'refresh', portal_access_token: `guess-${i}` });
      expect(guess.body.error_code).toBe('refresh_token_not_found');
    }
    expect((await login(ip, { grant_type: 'refresh', portal_access_token: 'guess-x' })).status).toBe(429);
  });

  it('remembers an unknown access key: no look-up per request', async () => {
    const keyId = 'AKIAUNKNOWNKEY000042';
    const secret = 'q'.repeat(20) + 'W8e2R5t7Y1u3I9o0P4a6';
    const call = (ip: string) =>
      signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: 'fleet-joinery' },
        {
          credentials: { accessKeyId: keyId, secretAccessKey: secret },
          tamper: (request) => Object.assign(request.headers, from(ip)),
        },
      );
    const first = await call('198.51.100.40');
    expect(first.body).toMatchObject({ __type: 'UnrecognizedClientException' });
    // The key appears in the database behind this instance's back ...
    await db.query(`INSERT INTO access_key (id, secret_encrypted, role) VALUES ($1, $2, 'game-server')`, [
      keyId,
      new SecretBox(DEV_BOOTSTRAP.secretsEncryptionKey).seal(secret, keyId),
    ]);
    // ... and this instance still answers from memory, without looking it up.
    const second = await call('198.51.100.41');
    expect(second.body).toMatchObject({ __type: 'UnrecognizedClientException' });
    // Another instance (a process of its own: passport's strategies are per process), with nothing remembered,
    // finds it.
    const other = await ServiceProcess.start({ DATABASE_URL: db.url });
    try {
      const fresh = await signedCall(
        other.url,
        'DescribeGameSessions',
        { FleetId: 'fleet-joinery' },
        { credentials: { accessKeyId: keyId, secretAccessKey: secret } },
      );
      expect(fresh.status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it('counts unknown access keys and bad signatures as failed attempts', async () => {
    const ip = '198.51.100.50';
    const call = (accessKeyId: string) =>
      signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: 'fleet-joinery' },
        {
          credentials: { accessKeyId, secretAccessKey: 'x'.repeat(40) },
          tamper: (request) => Object.assign(request.headers, from(ip)),
        },
      );
    const types: string[] = [];
    // An unknown key, then the development key with a wrong secret, in turn.
    for (let i = 0; i < 5; i++) {
      types.push((await call(i % 2 ? DEV_BOOTSTRAP.accessKey.accessKeyId : 'AKIAUNKNOWNKEY000077')).body.__type);
    }
    expect(types).toEqual([
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'UnrecognizedClientException',
    ]);
    // AWS's throttling answer: 400 ThrottlingException.
    expect((await call('AKIAUNKNOWNKEY000077')).body.__type).toBe('ThrottlingException');
  });

  it('gives each IP a quota of new anonymous players; known device ids still log in', async () => {
    const ip = '198.51.100.60';
    for (const device of ['quota-a', 'quota-b', 'quota-c']) {
      expect((await login(ip, { grant_type: 'anon', portal_access_token: device })).status).toBe(200);
    }
    const fourth = await login(ip, { grant_type: 'anon', portal_access_token: 'quota-d' });
    expect(fourth).toMatchObject({ status: 429, body: { auth_success: true, error_code: 'rate_limited' } });
    expect((await login(ip, { grant_type: 'anon', portal_access_token: 'quota-a' })).status).toBe(200);
    expect((await login('198.51.100.61', { grant_type: 'anon', portal_access_token: 'quota-d' })).status).toBe(200);
    const players = await db.query(`SELECT count(*)::int AS n FROM player WHERE platform = 'Anon'`);
    expect(players[0].n).toBeGreaterThanOrEqual(4);
  });

  it('purges expired refresh tokens and idle anonymous players, keeping seated and disabled ones', async () => {
    const player = async (device: string, ip: string) => {
      const result = await login(ip, { grant_type: 'anon', portal_access_token: device, include_refresh: true });
      expect(result.status).toBe(200);
      return result.body as { access_token: string; active_player_uuid: string };
    };
    const idle = await player('purge-idle', '198.51.100.70');
    const seated = await player('purge-seated', '198.51.100.70');
    const banned = await player('purge-banned', '198.51.100.70');
    const recent = await player('purge-recent', '198.51.100.71');
    const joined = await http(service.baseUrl, 'POST', '/session/v1/session', {
      token: seated.access_token,
      body: createOrJoinBody('party'),
    });
    expect(joined.status).toBe(200);
    await db.query(`UPDATE player SET last_login_at = now() - interval '400 days' WHERE id = ANY($1)`, [
      [idle.active_player_uuid, seated.active_player_uuid, banned.active_player_uuid],
    ]);
    await db.query(`UPDATE player SET disabled = true WHERE id = $1`, [banned.active_player_uuid]);
    await db.query(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE player_id = $1`, [
      recent.active_player_uuid,
    ]);

    const result = await service.app.get(RetentionPurge).purge();
    expect(result.players).toBeGreaterThanOrEqual(1);
    expect(result.refreshTokens).toBeGreaterThanOrEqual(1);
    const left = await db.query<{ id: string }>(`SELECT id FROM player WHERE id = ANY($1)`, [
      [idle.active_player_uuid, seated.active_player_uuid, banned.active_player_uuid, recent.active_player_uuid],
    ]);
    expect(left.map((r) => r.id).sort()).toEqual(
      [seated.active_player_uuid, banned.active_player_uuid, recent.active_player_uuid].sort(),
    );
    // The idle player's tokens went with it; the expired one of a recent player too.
    expect(
      await db.query(`SELECT 1 FROM refresh_token WHERE player_id = ANY($1)`, [
        [idle.active_player_uuid, recent.active_player_uuid],
      ]),
    ).toEqual([]);
    expect(await db.query(`SELECT 1 FROM refresh_token WHERE expires_at < now()`)).toEqual([]);
  });
});

/** Issue 13, item 15: without TRUST_PROXY, X-Forwarded-For is ignored, so it cannot be used to dodge the limits. */
describe('X-Forwarded-For without TRUST_PROXY (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { RATE_LIMIT_ENABLED: 'true', AUTH_FAILURE_LIMIT: '2' });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('counts every failure against the peer address whatever the header claims', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const attempt = await http(service.baseUrl, 'GET', '/session/v1/player/me/session', {
        headers: { 'x-forwarded-for': `203.0.113.${i}`, authorization: 'Bearer forged' },
      });
      statuses.push(attempt.status);
    }
    expect(statuses).toEqual([403, 403, 429, 429]);
  });
});
