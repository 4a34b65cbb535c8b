import {
  DescribeGameSessionsCommand,
  SearchGameSessionsCommand,
  UpdateGameSessionCommand,
} from '@aws-sdk/client-gamelift';
import { type Credentials, FLEET_ID, gameLiftClient, signedCall } from '../clients/gamelift.js';
import { newGameSession, outcome } from '../gamelift/gamelift-helpers.js';
import { http, loginAdmin, TestApp, TestDatabase } from '../utils/test-app.js';

/** Issue 13, items 21 and 22: SigV4 and GameLift details, each with the exact request. */
describe('GameLift details (issue 13)', () => {
  let db: TestDatabase;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    db = await TestDatabase.create();
    app = await TestApp.start(db);
    base = app.baseUrl;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function accessKey(role: string): Promise<Credentials> {
    const admin = (await loginAdmin(base)).access_token;
    const created = await http(base, 'POST', '/admin/v1/access-keys', { token: admin, body: { role } });
    expect(created.status).toBe(201);
    return { accessKeyId: created.body.access_key_id, secretAccessKey: created.body.secret_access_key };
  }

  describe('21: X-Amz-Target and Content-Type must be signed', () => {
    it('refuses a signature that does not cover X-Amz-Target, so an accepted call cannot be replayed as another', async () => {
      const id = await newGameSession(gameLiftClient(base), base);
      // A signature over host and x-amz-date only (a captured AcceptPlayerSession, its target then changed).
      const replayed = await signedCall(
        base,
        'AcceptPlayerSession',
        { GameSessionId: id, PlayerSessionId: 'psess-00000000-0000-4000-8000-000000000000' },
        {
          unsignable: ['x-amz-target', 'content-type'],
          tamper: (request) => {
            request.headers['x-amz-target'] = 'GameLift.RemovePlayerSession';
          },
        },
      );
      expect(replayed.status).toBe(400);
      expect(replayed.body).toEqual({
        __type: 'InvalidSignatureException',
        message: 'These headers must be signed: x-amz-target, content-type',
      });
      const noContentType = await signedCall(
        base,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          unsignable: ['content-type'],
        },
      );
      expect(noContentType.body.__type).toBe('InvalidSignatureException');
      // The AWS SDK signs both, as always.
      await expect(
        outcome(gameLiftClient(base).send(new DescribeGameSessionsCommand({ FleetId: FLEET_ID }))),
      ).resolves.toBe('ok');
    });
  });

  describe('23: a write retried after it committed (what a client does after a 503)', () => {
    it('answers as docs/gamelift.md says', async () => {
      const token = { FleetId: FLEET_ID, MaximumPlayerSessionCount: 2, IdempotencyToken: 'retry-after-503' };
      const first = await signedCall(base, 'CreateGameSession', token);
      const again = await signedCall(base, 'CreateGameSession', token);
      expect(again.body.GameSession.GameSessionId).toBe(first.body.GameSession.GameSessionId);
      const id = first.body.GameSession.GameSessionId as string;
      await expect(signedCall(base, 'ActivateGameSession', { GameSessionId: id })).resolves.toMatchObject({
        status: 200,
      });
      const activatedAgain = await signedCall(base, 'ActivateGameSession', { GameSessionId: id });
      const seat = await signedCall(base, 'CreatePlayerSession', { GameSessionId: id, PlayerId: 'retrying' });
      const seatAgain = await signedCall(base, 'CreatePlayerSession', { GameSessionId: id, PlayerId: 'retrying' });
      expect(seatAgain.body.PlayerSession.PlayerSessionId).toBe(seat.body.PlayerSession.PlayerSessionId);
      const ids = { GameSessionId: id, PlayerSessionId: seat.body.PlayerSession.PlayerSessionId as string };
      const accepted = await signedCall(base, 'AcceptPlayerSession', ids);
      const acceptedAgain = await signedCall(base, 'AcceptPlayerSession', ids);
      const removed = await signedCall(base, 'RemovePlayerSession', ids);
      const removedAgain = await signedCall(base, 'RemovePlayerSession', ids);
      const terminate = { GameSessionId: id, TerminationMode: 'FORCE_TERMINATE' };
      const terminated = await signedCall(base, 'TerminateGameSession', terminate);
      const terminatedAgain = await signedCall(base, 'TerminateGameSession', terminate);
      const type = (r: { status: number; body: { __type?: string } }) => r.body.__type ?? r.status;
      expect(
        [activatedAgain, accepted, acceptedAgain, removed, removedAgain, terminated, terminatedAgain].map(type),
      ).toEqual([200, 200, 'InvalidGameSessionStatusException', 200, 200, 200, 'InvalidGameSessionStatusException']);
    });
  });

  describe('22: GameLift details', () => {
    it('a session token (temporary credentials) is an UnrecognizedClientException', async () => {
      const client = gameLiftClient(base, {
        accessKeyId: 'AKIAJOINERYDEVKEY001',
        secretAccessKey: 'joineryDevSecretAccessKeyChangeMe0000000',
        sessionToken: 'FwoGZXIvYXdzEBYaDtemporarycredentials',
      } as Credentials);
      await expect(client.send(new DescribeGameSessionsCommand({ FleetId: FLEET_ID }))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
    });

    it('FleetId and AliasId together are an InvalidRequestException', async () => {
      const both = await signedCall(base, 'CreateGameSession', {
        FleetId: FLEET_ID,
        AliasId: 'alias-00000000-0000-4000-8000-000000000000',
        MaximumPlayerSessionCount: 2,
      });
      expect(both.status).toBe(400);
      expect(both.body).toEqual({
        __type: 'InvalidRequestException',
        message: 'Specify a FleetId or an AliasId, not both',
      });
      const search = await signedCall(base, 'SearchGameSessions', {
        FleetId: FLEET_ID,
        AliasId: 'alias-00000000-0000-4000-8000-000000000000',
      });
      expect(search.body.__type).toBe('InvalidRequestException');
    });

    it('creationTimeMillis = <the session’s own value> finds the session; double quotes are accepted', async () => {
      const client = gameLiftClient(base);
      const id = await newGameSession(client, base, { Name: "Matt's game" });
      const described = await client.send(new DescribeGameSessionsCommand({ GameSessionId: id }));
      const millis = described.GameSessions![0].CreationTime!.getTime();
      const found = await client.send(
        new SearchGameSessionsCommand({ FleetId: FLEET_ID, FilterExpression: `creationTimeMillis = ${millis}` }),
      );
      expect(found.GameSessions!.map((s) => s.GameSessionId)).toEqual([id]);
      const quoted = await client.send(
        new SearchGameSessionsCommand({ FleetId: FLEET_ID, FilterExpression: `gameSessionName = "Matt's game"` }),
      );
      expect(quoted.GameSessions!.map((s) => s.GameSessionId)).toEqual([id]);
    });

    it('a missing Authorization is MissingAuthenticationTokenException, a malformed one IncompleteSignatureException', async () => {
      const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'GameLift.DescribeGameSessions' };
      const missing = await http(base, 'POST', '/', { rawBody: '{}', headers });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
      const malformed = await http(base, 'POST', '/', {
        rawBody: '{}',
        headers: { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIAJOINERYDEVKEY001/20260101' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.__type).toBe('IncompleteSignatureException');
      expect(malformed.body.message).toContain("Authorization header requires 'Signature' parameter.");
      const bearer = await http(base, 'POST', '/', {
        rawBody: '{}',
        headers: { ...headers, authorization: 'Bearer x' },
      });
      expect(bearer.body.__type).toBe('IncompleteSignatureException');
    });

    it('application/x-amz-json-1.0 gets a clear SerializationException', async () => {
      const result = await signedCall(
        base,
        'DescribeGameSessions',
        { FleetId: FLEET_ID },
        {
          contentType: 'application/x-amz-json-1.0',
        },
      );
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        __type: 'SerializationException',
        message:
          'Content-Type application/x-amz-json-1.0 is not supported: GameLift requests are ' +
          'application/x-amz-json-1.1 (AWS JSON 1.1) or application/json',
      });
    });

    it('the game-client role cannot change the creation policy through UpdateGameSession', async () => {
      const id = await newGameSession(gameLiftClient(base), base);
      const gameClient = gameLiftClient(base, await accessKey('game-client'));
      await expect(
        gameClient.send(new UpdateGameSessionCommand({ GameSessionId: id, PlayerSessionCreationPolicy: 'DENY_ALL' })),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
      // Its other changes are still allowed, and the game server may change the policy.
      await expect(
        outcome(gameClient.send(new UpdateGameSessionCommand({ GameSessionId: id, Name: 'renamed' }))),
      ).resolves.toBe('ok');
      const server = await gameLiftClient(base).send(
        new UpdateGameSessionCommand({ GameSessionId: id, PlayerSessionCreationPolicy: 'DENY_ALL' }),
      );
      expect(server.GameSession).toMatchObject({ PlayerSessionCreationPolicy: 'DENY_ALL', Name: 'renamed' });
    });
  });
});
