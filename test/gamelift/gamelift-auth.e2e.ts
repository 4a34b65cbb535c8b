import {
  CreatePlayerSessionCommand,
  DescribeGameSessionsCommand,
  GameLiftClient,
  type GameLiftClient as Client,
} from '@aws-sdk/client-gamelift';
import { DEV_KEY, FLEET_ID, gameLiftClient, REGION, signedCall } from '../clients/gamelift.js';
import { eventually } from '../utils/eventually.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome } from './gamelift-helpers.js';

const describeFleet = (client: Client) => client.send(new DescribeGameSessionsCommand({ FleetId: FLEET_ID }));

describe('GameLift security: SigV4 and access keys (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let admin: string;

  const createKey = async (role: string, description = 'test key') => {
    const result = await http(service.baseUrl, 'POST', '/admin/v1/access-keys', {
      token: admin,
      body: { role, description },
    });
    expect(result.status).toBe(201);
    return result.body as { access_key_id: string; secret_access_key: string; role: string };
  };
  const clientFor = (key: { access_key_id: string; secret_access_key: string }) =>
    gameLiftClient(service.baseUrl, { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key });

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    admin = (await loginAdmin(service.baseUrl)).access_token;
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  describe('signature verification', () => {
    it('accepts the SDK signing with the bootstrap dev key', async () => {
      await expect(outcome(describeFleet(gameLiftClient(service.baseUrl)))).resolves.toBe('ok');
    });

    it('refuses a bad signature with InvalidSignatureException', async () => {
      const client = gameLiftClient(service.baseUrl, {
        accessKeyId: DEV_KEY.accessKeyId,
        secretAccessKey: 'w'.repeat(40),
      });
      await expect(describeFleet(client)).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 400 },
      });
      const tampered = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          tamper: (request) => {
            request.body = JSON.stringify({ FleetId: FLEET_ID, Limit: 1 });
          },
        },
      );
      expect(tampered.status).toBe(400);
      expect(tampered.body.__type).toBe('InvalidSignatureException');
      expect(tampered.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
      const otherService = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        { service: 'dynamodb' },
      );
      expect(otherService.body.__type).toBe('InvalidSignatureException');
      const otherRegion = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        { region: 'ap-south-1' },
      );
      expect(otherRegion.status).toBe(200);
    });

    it('refuses an unknown key (UnrecognizedClientException) and a missing signature (MissingAuthenticationTokenException)', async () => {
      const client = gameLiftClient(service.baseUrl, {
        accessKeyId: 'AKIAUNKNOWNKEY000000',
        secretAccessKey: 'x'.repeat(40),
      });
      await expect(describeFleet(client)).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
      const unsigned = await http(service.baseUrl, 'POST', '/', {
        rawBody: '{}',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'GameLift.DescribeGameSessions' },
      });
      expect(unsigned.status).toBe(400);
      expect(unsigned.body).toEqual({
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
      expect(unsigned.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
    });

    it('refuses a request signed more than 15 minutes away from the server clock', async () => {
      const skewed = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          signingDate: new Date(Date.now() - 20 * 60_000),
        },
      );
      expect(skewed.body.__type).toBe('InvalidSignatureException');
      expect(skewed.body.message).toMatch(/^Signature expired/);
      const ahead = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          signingDate: new Date(Date.now() + 20 * 60_000),
        },
      );
      expect(ahead.body.__type).toBe('InvalidSignatureException');
      const slightly = await signedCall(
        service.baseUrl,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          signingDate: new Date(Date.now() - 10 * 60_000),
        },
      );
      expect(slightly.status).toBe(200);
      // The SDK itself, with its clock 20 minutes off and no retry to correct it.
      const client = new GameLiftClient({
        endpoint: service.baseUrl,
        region: REGION,
        credentials: { accessKeyId: DEV_KEY.accessKeyId, secretAccessKey: DEV_KEY.secret },
        maxAttempts: 1,
        systemClockOffset: 20 * 60_000,
      });
      await expect(describeFleet(client)).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    });
  });

  describe('permissions', () => {
    it('lets a game-client key reserve seats but not accept or remove them', async () => {
      const key = await createKey('game-client');
      const gameClient = clientFor(key);
      const id = await newGameSession(gameLiftClient(service.baseUrl), service.baseUrl);
      const { PlayerSession } = await gameClient.send(
        new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'pc-1' }),
      );
      await expect(outcome(describeFleet(gameClient))).resolves.toBe('ok');
      const credentials = { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key };
      for (const [target, input] of [
        ['AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: PlayerSession!.PlayerSessionId }],
        ['RemovePlayerSession', { GameSessionId: id, PlayerSessionId: PlayerSession!.PlayerSessionId }],
        ['ActivateGameSession', { GameSessionId: id }],
        ['UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionCreationPolicy: 'DENY_ALL' }],
      ] as const) {
        const refused = await signedCall(service.baseUrl, target, input, { credentials });
        expect([target, refused.status, refused.body.__type]).toEqual([target, 400, 'AccessDeniedException']);
      }
      const accepted = await signedCall(service.baseUrl, 'AcceptPlayerSession', {
        GameSessionId: id,
        PlayerSessionId: PlayerSession!.PlayerSessionId,
      });
      expect(accepted.body.PlayerSession.Status).toBe('ACTIVE');
    });

    it('refuses a key whose role has no GameLift permission with AccessDeniedException', async () => {
      const player = clientFor(await createKey('player'));
      await expect(describeFleet(player)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    });
  });

  describe('admin API for access keys', () => {
    it('creates keys with a secret shown once and stored encrypted', async () => {
      const key = await createKey('game-server', 'dedicated servers');
      expect(key.access_key_id).toMatch(/^AKIA[A-Z0-9]{16}$/);
      expect(key.secret_access_key).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(key).toMatchObject({ role: 'game-server', description: 'dedicated servers', enabled: true });
      const [row] = await db.query(`SELECT secret_encrypted FROM access_key WHERE id = $1`, [key.access_key_id]);
      expect(row.secret_encrypted).not.toContain(key.secret_access_key);
      expect(row.secret_encrypted).toMatch(/^v1\./);

      const listed = await http(service.baseUrl, 'GET', '/admin/v1/access-keys', { token: admin });
      expect(listed.status).toBe(200);
      const entry = listed.body.access_keys.find(
        (k: { access_key_id: string }) => k.access_key_id === key.access_key_id,
      );
      expect(entry).toMatchObject({ role: 'game-server', enabled: true });
      expect(JSON.stringify(listed.body)).not.toContain('secret');
      expect(listed.body.access_keys.map((k: { access_key_id: string }) => k.access_key_id)).toContain(
        DEV_KEY.accessKeyId,
      );
    });

    it('disables a key at once', async () => {
      const key = await createKey('game-server');
      const client = clientFor(key);
      await expect(outcome(describeFleet(client))).resolves.toBe('ok');
      const disabled = await http(service.baseUrl, 'POST', `/admin/v1/access-keys/${key.access_key_id}:disable`, {
        token: admin,
      });
      expect(disabled.status).toBe(200);
      expect(disabled.body.enabled).toBe(false);
      await expect(outcome(describeFleet(client))).resolves.toBe('UnrecognizedClientException');
    });

    it('rotates a key: the new secret works, the old one stops at once', async () => {
      const key = await createKey('game-client');
      await expect(outcome(describeFleet(clientFor(key)))).resolves.toBe('ok');
      const rotated = await http(service.baseUrl, 'POST', `/admin/v1/access-keys/${key.access_key_id}:rotate`, {
        token: admin,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret_access_key).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(rotated.body.secret_access_key).not.toBe(key.secret_access_key);
      expect(rotated.body.last_rotated_at).toBeDefined();
      await expect(outcome(describeFleet(clientFor(key)))).resolves.toBe('InvalidSignatureException');
      await expect(outcome(describeFleet(clientFor(rotated.body)))).resolves.toBe('ok');
    });

    it('validates bodies, answers 404 for unknown keys and needs the admin permissions', async () => {
      const post = (body: unknown, token = admin) =>
        http(service.baseUrl, 'POST', '/admin/v1/access-keys', { token, body });
      const missing = await post({ description: 'no role' });
      expect(missing.status).toBe(422);
      expect(missing.body.detail).toEqual([{ loc: ['body', 'role'], msg: 'Field required', type: 'missing' }]);
      const unknownRole = await post({ role: 'wizard' });
      expect(unknownRole.status).toBe(422);
      expect(unknownRole.body.detail[0].loc).toEqual(['body', 'role']);
      const extra = await post({ role: 'game-client', secret: 'mine' });
      expect(extra.status).toBe(422);
      expect(extra.body.detail[0]).toMatchObject({ loc: ['body', 'secret'], type: 'extra_forbidden' });
      const tooLong = await post({ role: 'game-client', description: 'd'.repeat(257) });
      expect(tooLong.status).toBe(422);

      for (const action of ['disable', 'rotate']) {
        const notFound = await http(service.baseUrl, 'POST', `/admin/v1/access-keys/AKIAAAAAAAAAAAAAAAAA:${action}`, {
          token: admin,
        });
        expect(notFound.status).toBe(404);
        expect(notFound.body.error_code).toBe('access_key_not_found');
      }

      const player = await loginPlayer(service.baseUrl, 'not-an-admin');
      const refused = await post({ role: 'game-server' }, player.access_token);
      expect(refused.status).toBe(403);
      const anonymous = await http(service.baseUrl, 'GET', '/admin/v1/access-keys');
      expect(anonymous.status).toBe(403);
      expect(anonymous.body.auth_success).toBe(false);
    });
  });

  describe('several instances', () => {
    it('stops a disabled or rotated key on the other instances within the cache time', async () => {
      const other = await TestApp.start(db, { ACCESS_KEY_CACHE_TTL_MS: '300' });
      try {
        const key = await createKey('game-server');
        const remote = gameLiftClient(other.baseUrl, {
          accessKeyId: key.access_key_id,
          secretAccessKey: key.secret_access_key,
        });
        await expect(outcome(describeFleet(remote))).resolves.toBe('ok');
        await http(service.baseUrl, 'POST', `/admin/v1/access-keys/${key.access_key_id}:disable`, { token: admin });
        // Refused on the other instance once its key cache expires.
        await eventually(async () => (await outcome(describeFleet(remote))) === 'UnrecognizedClientException');
        remote.destroy();

        // Rotation: the new secret works at once on the other instance, the old one stops within the cache time.
        const rotating = await createKey('game-server');
        const old = { accessKeyId: rotating.access_key_id, secretAccessKey: rotating.secret_access_key };
        await expect(outcome(describeFleet(gameLiftClient(other.baseUrl, old)))).resolves.toBe('ok');
        const rotated = await http(service.baseUrl, 'POST', `/admin/v1/access-keys/${rotating.access_key_id}:rotate`, {
          token: admin,
        });
        const fresh = { accessKeyId: rotating.access_key_id, secretAccessKey: rotated.body.secret_access_key };
        await expect(outcome(describeFleet(gameLiftClient(other.baseUrl, fresh)))).resolves.toBe('ok');
        const stale = gameLiftClient(other.baseUrl, old);
        await eventually(async () => (await outcome(describeFleet(stale))) === 'InvalidSignatureException');
        stale.destroy();
      } finally {
        await other.close();
      }
    });
  });
});
