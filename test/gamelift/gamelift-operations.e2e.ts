import {
  CreateGameSessionCommand,
  CreatePlayerSessionCommand,
  CreatePlayerSessionsCommand,
  DescribeGameSessionDetailsCommand,
  DescribeGameSessionsCommand,
  DescribePlayerSessionsCommand,
  type GameLiftClient,
  SearchGameSessionsCommand,
  TerminateGameSessionCommand,
  UpdateGameSessionCommand,
} from '@aws-sdk/client-gamelift';
import { FLEET_ID, gameLiftClient, signedCall } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

const ARN = /^arn:aws:gamelift:us-east-1::gamesession\/fleet-joinery\/[0-9a-f-]{36}$/;
const PSESS = /^psess-[0-9a-f-]{36}$/;

describe('GameLift operations through @aws-sdk/client-gamelift (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let client: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    client = gameLiftClient(service.baseUrl);
  });

  afterAll(async () => {
    client?.destroy();
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  const session = (input = {}, activate = true) => newGameSession(client, service.baseUrl, input, activate);

  describe('CreateGameSession', () => {
    it('creates an ACTIVATING game session with an ARN, epoch-second timestamps and the model members', async () => {
      const before = Date.now();
      const { GameSession: g } = await client.send(
        new CreateGameSessionCommand({
          FleetId: FLEET_ID,
          MaximumPlayerSessionCount: 10,
          Name: 'Arena',
          CreatorId: 'creator-1',
          GameProperties: [{ Key: 'mode', Value: 'brawl' }],
          GameSessionData: 'map=dust',
        }),
      );
      expect(g).toMatchObject({
        Name: 'Arena',
        FleetId: FLEET_ID,
        FleetArn: 'arn:aws:gamelift:us-east-1:000000000000:fleet/fleet-joinery',
        CurrentPlayerSessionCount: 0,
        MaximumPlayerSessionCount: 10,
        Status: 'ACTIVATING',
        PlayerSessionCreationPolicy: 'ACCEPT_ALL',
        GameProperties: [{ Key: 'mode', Value: 'brawl' }],
        CreatorId: 'creator-1',
        GameSessionData: 'map=dust',
        Location: 'us-east-1',
      });
      expect(g!.GameSessionId).toMatch(ARN);
      // The SDK parsed epoch seconds into a Date: milliseconds would land in the year 50000.
      expect(g!.CreationTime!.getTime()).toBeGreaterThanOrEqual(before - 5000);
      expect(g!.CreationTime!.getTime()).toBeLessThanOrEqual(Date.now() + 5000);
      expect(g!.TerminationTime).toBeUndefined();
      const [row] = await db.query(`SELECT type, status, fleet_id, created_via FROM game_session WHERE id = $1`, [
        uuidOf(g!.GameSessionId!),
      ]);
      expect(row).toEqual({ type: FLEET_ID, status: 'ACTIVATING', fleet_id: FLEET_ID, created_via: 'gamelift' });
    });

    it('answers AWS JSON 1.1 with a request id, and omits unset members', async () => {
      const raw = await signedCall(service.baseUrl, 'CreateGameSession', {
        AliasId: 'alias-anything',
        MaximumPlayerSessionCount: 2,
        Location: 'eu-west-1',
      });
      expect(raw.status).toBe(200);
      expect(raw.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
      expect(raw.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(raw.body.GameSession.FleetId).toBe(FLEET_ID);
      expect(raw.body.GameSession.Location).toBe('eu-west-1');
      expect(typeof raw.body.GameSession.CreationTime).toBe('number');
      expect(raw.body.GameSession.CreationTime).toBeLessThan(1e11);
      for (const member of ['Name', 'TerminationTime', 'IpAddress', 'Port', 'CreatorId', 'StatusReason']) {
        expect(raw.body.GameSession).not.toHaveProperty(member);
      }
    });

    it('returns the same game session for the same IdempotencyToken', async () => {
      const input = { FleetId: FLEET_ID, MaximumPlayerSessionCount: 3, IdempotencyToken: 'token-1' };
      const first = await client.send(new CreateGameSessionCommand(input));
      const second = await client.send(new CreateGameSessionCommand(input));
      expect(second.GameSession!.GameSessionId).toBe(first.GameSession!.GameSessionId);
    });

    it('refuses what the model or the fleet rules refuse', async () => {
      const create = (input: object) =>
        outcome(client.send(new CreateGameSessionCommand({ MaximumPlayerSessionCount: 4, ...input } as never)));
      await expect(create({})).resolves.toBe('InvalidRequestException');
      await expect(create({ FleetId: 'fleet-elsewhere' })).resolves.toBe('NotFoundException');
      await expect(create({ FleetId: 'not-a-fleet' })).resolves.toBe('InvalidRequestException');
      await expect(create({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 201 })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(create({ FleetId: FLEET_ID, MaximumPlayerSessionCount: -1 })).resolves.toBe(
        'InvalidRequestException',
      );
      const properties = (n: number, key = 'k', value = 'v') =>
        Array.from({ length: n }, (_, i) => ({ Key: `${key}${i}`, Value: value }));
      await expect(create({ FleetId: FLEET_ID, GameProperties: properties(17) })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(create({ FleetId: FLEET_ID, GameProperties: properties(1, 'k'.repeat(33)) })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(create({ FleetId: FLEET_ID, GameProperties: properties(1, 'k', 'v'.repeat(97)) })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(create({ FleetId: FLEET_ID, IdempotencyToken: 'no spaces' })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(create({ FleetId: FLEET_ID, Location: 'x'.repeat(65) })).resolves.toBe('InvalidRequestException');
      await expect(create({ FleetId: FLEET_ID, GameProperties: properties(16) })).resolves.toBe('ok');
    });

    it('names the failing members in the message', async () => {
      const raw = await signedCall(service.baseUrl, 'CreateGameSession', {
        FleetId: FLEET_ID,
        MaximumPlayerSessionCount: 500,
        Surprise: true,
      });
      expect(raw.status).toBe(400);
      expect(raw.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
      expect(raw.body.__type).toBe('InvalidRequestException');
      expect(raw.body.message).toMatch(/^2 validation errors detected: /);
      expect(raw.body.message).toContain('MaximumPlayerSessionCount');
      expect(raw.body.message).toContain('Surprise');
    });
  });

  describe('CreatePlayerSession(s)', () => {
    it('refuses seats until the game server activates the session, then reserves them', async () => {
      const id = await session({ MaximumPlayerSessionCount: 2 }, false);
      await expect(
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'p1' }))),
      ).resolves.toBe('InvalidGameSessionStatusException');
      await signedCall(service.baseUrl, 'ActivateGameSession', { GameSessionId: id });
      const { PlayerSession: ps } = await client.send(
        new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'p1', PlayerData: 'skill=3' }),
      );
      expect(ps).toMatchObject({
        PlayerId: 'p1',
        GameSessionId: id,
        FleetId: FLEET_ID,
        Status: 'RESERVED',
        PlayerData: 'skill=3',
      });
      expect(ps!.PlayerSessionId).toMatch(PSESS);
      expect(ps!.CreationTime).toBeInstanceOf(Date);
      expect(Math.abs(ps!.CreationTime!.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('gives a player who asks again the player session they already hold', async () => {
      const id = await session({ MaximumPlayerSessionCount: 2 });
      const first = await client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'again' }));
      const second = await client.send(
        new CreatePlayerSessionCommand({ GameSessionId: uuidOf(id), PlayerId: 'again' }),
      );
      expect(second.PlayerSession!.PlayerSessionId).toBe(first.PlayerSession!.PlayerSessionId);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM seat WHERE session_id = $1`, [uuidOf(id)]);
      expect(n).toBe(1);
    });

    it('raises GameSessionFullException when no seat is left', async () => {
      const id = await session({ MaximumPlayerSessionCount: 1 });
      await client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'first' }));
      await expect(
        client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'second' })),
      ).rejects.toMatchObject({ name: 'GameSessionFullException', $metadata: { httpStatusCode: 400 } });
    });

    it('raises NotFoundException for ids that do not resolve and InvalidRequestException for malformed ones', async () => {
      const id = await session();
      const create = (GameSessionId: string, PlayerId = 'p') =>
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId, PlayerId })));
      await expect(create('0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a')).resolves.toBe('NotFoundException');
      await expect(create(id.replace('fleet-joinery', 'fleet-other'))).resolves.toBe('NotFoundException');
      await expect(create(id.replace('us-east-1', 'eu-west-1'))).resolves.toBe('NotFoundException');
      await expect(create('gamesession-42')).resolves.toBe('NotFoundException');
      await expect(create('not valid!')).resolves.toBe('InvalidRequestException');
      await expect(create('a'.repeat(513))).resolves.toBe('InvalidRequestException');
      await expect(create(id, 'x'.repeat(1025))).resolves.toBe('InvalidRequestException');
      await expect(create(id, '')).resolves.toBe('InvalidRequestException');
      await expect(create(id, 'x'.repeat(1024))).resolves.toBe('ok');
      await expect(
        outcome(
          client.send(
            new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'p', PlayerData: 'd'.repeat(2049) }),
          ),
        ),
      ).resolves.toBe('InvalidRequestException');
    });

    it('reserves a batch with its player data, and refuses bad batches', async () => {
      const id = await session({ MaximumPlayerSessionCount: 26 });
      const { PlayerSessions } = await client.send(
        new CreatePlayerSessionsCommand({
          GameSessionId: id,
          PlayerIds: ['a', 'b', 'c'],
          PlayerDataMap: { a: 'data-a', c: 'data-c', stranger: 'ignored' },
        }),
      );
      expect(PlayerSessions!.map((p) => [p.PlayerId, p.PlayerData, p.Status])).toEqual([
        ['a', 'data-a', 'RESERVED'],
        ['b', undefined, 'RESERVED'],
        ['c', 'data-c', 'RESERVED'],
      ]);
      const batch = (PlayerIds: string[]) =>
        outcome(client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds })));
      await expect(batch([])).resolves.toBe('InvalidRequestException');
      await expect(batch(Array.from({ length: 26 }, (_, i) => `many-${i}`))).resolves.toBe('InvalidRequestException');
      await expect(batch(['dup', 'dup'])).resolves.toBe('InvalidRequestException');
      await expect(batch(['ok', ''])).resolves.toBe('InvalidRequestException');
      // 23 seats are left: 25 newcomers do not fit and none of them gets a seat...
      await expect(batch(Array.from({ length: 25 }, (_, i) => `quarter-${i}`))).resolves.toBe(
        'GameSessionFullException',
      );
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM seat WHERE session_id = $1`, [uuidOf(id)]);
      expect(n).toBe(3);
      // ...while players already seated do not count against the batch.
      await expect(batch(['a', 'b', ...Array.from({ length: 23 }, (_, i) => `q-${i}`)])).resolves.toBe('ok');
      const [{ seats }] = await db.query(`SELECT count(*)::int AS seats FROM seat WHERE session_id = $1`, [uuidOf(id)]);
      expect(seats).toBe(26);
    });
  });

  describe('DescribePlayerSessions', () => {
    it('finds player sessions by game session (paged), player, id and status', async () => {
      const id = await session({ MaximumPlayerSessionCount: 10 });
      const created = await client.send(
        new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['d1', 'd2', 'd3', 'd4', 'd5'] }),
      );
      const ids = created.PlayerSessions!.map((p) => p.PlayerSessionId);
      const accepted = await signedCall(service.baseUrl, 'AcceptPlayerSession', {
        GameSessionId: id,
        PlayerSessionId: ids[0],
      });
      expect(accepted.body.PlayerSession.Status).toBe('ACTIVE');

      const seen: string[] = [];
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new DescribePlayerSessionsCommand({ GameSessionId: id, Limit: 2, NextToken }));
        expect(page.PlayerSessions!.length).toBeLessThanOrEqual(2);
        seen.push(...page.PlayerSessions!.map((p) => p.PlayerSessionId!));
        NextToken = page.NextToken;
        pages++;
      } while (NextToken);
      // A batch's seats share their creation time: pages follow (creation time, id).
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(pages).toBe(3);

      const active = await client.send(
        new DescribePlayerSessionsCommand({ GameSessionId: id, PlayerSessionStatusFilter: 'ACTIVE' }),
      );
      expect(active.PlayerSessions!.map((p) => p.PlayerId)).toEqual(['d1']);
      const byPlayer = await client.send(new DescribePlayerSessionsCommand({ PlayerId: 'd2' }));
      expect(byPlayer.PlayerSessions!.map((p) => p.PlayerSessionId)).toEqual([ids[1]]);
      const byId = await client.send(new DescribePlayerSessionsCommand({ PlayerSessionId: ids[2] }));
      expect(byId.PlayerSessions).toHaveLength(1);
      expect(byId.PlayerSessions![0]).toMatchObject({ PlayerId: 'd3', GameSessionId: id, Status: 'RESERVED' });

      const describe = (input: object) => outcome(client.send(new DescribePlayerSessionsCommand(input)));
      await expect(describe({})).resolves.toBe('InvalidRequestException');
      await expect(describe({ GameSessionId: id, PlayerSessionStatusFilter: 'GONE' })).resolves.toBe(
        'InvalidRequestException',
      );
      await expect(describe({ GameSessionId: id, Limit: 0 })).resolves.toBe('InvalidRequestException');
      await expect(describe({ GameSessionId: id, NextToken: 'forged' })).resolves.toBe('InvalidRequestException');
      await expect(describe({ PlayerSessionId: 'psess-0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a' })).resolves.toBe(
        'NotFoundException',
      );
      await expect(describe({ PlayerSessionId: 'session-1' })).resolves.toBe('InvalidRequestException');
      await expect(describe({ GameSessionId: '0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a' })).resolves.toBe(
        'NotFoundException',
      );
      await expect(describe({ PlayerId: 'nobody' })).resolves.toBe('ok');
    });
  });

  describe('DescribeGameSessions and DescribeGameSessionDetails', () => {
    it('lists the fleet (paged), one session, or sessions of a status', async () => {
      const first = await session({ Name: 'listed-1' });
      const activating = await session({ Name: 'listed-2' }, false);
      const all: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(new DescribeGameSessionsCommand({ FleetId: FLEET_ID, Limit: 3, NextToken }));
        expect(page.GameSessions!.length).toBeLessThanOrEqual(3);
        all.push(...page.GameSessions!.map((g) => g.GameSessionId!));
        NextToken = page.NextToken;
      } while (NextToken);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM game_session`);
      expect(all).toHaveLength(n);
      expect(new Set(all).size).toBe(n);
      expect(all).toEqual(expect.arrayContaining([first, activating]));

      const one = await client.send(new DescribeGameSessionsCommand({ GameSessionId: first }));
      expect(one.GameSessions!.map((g) => [g.GameSessionId, g.Name, g.Status])).toEqual([
        [first, 'listed-1', 'ACTIVE'],
      ]);
      const byStatus = await client.send(
        new DescribeGameSessionsCommand({ AliasId: 'alias-main', StatusFilter: 'ACTIVATING' }),
      );
      expect(byStatus.GameSessions!.map((g) => g.GameSessionId)).toContain(activating);
      expect(byStatus.GameSessions!.every((g) => g.Status === 'ACTIVATING')).toBe(true);

      const details = await client.send(new DescribeGameSessionDetailsCommand({ GameSessionId: first }));
      expect(details.GameSessionDetails).toEqual([
        { GameSession: expect.objectContaining({ GameSessionId: first }), ProtectionPolicy: 'NoProtection' },
      ]);

      const describe = (input: object) => outcome(client.send(new DescribeGameSessionsCommand(input)));
      await expect(describe({})).resolves.toBe('InvalidRequestException');
      await expect(describe({ FleetId: FLEET_ID, StatusFilter: 'SLEEPING' })).resolves.toBe('InvalidRequestException');
      await expect(describe({ GameSessionId: '0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a' })).resolves.toBe(
        'NotFoundException',
      );
      await expect(describe({ FleetId: 'fleet-unknown' })).resolves.toBe('NotFoundException');
    });
  });

  describe('UpdateGameSession', () => {
    it('changes name, capacity, creation policy, protection and properties', async () => {
      const id = await session({ MaximumPlayerSessionCount: 2, GameProperties: [{ Key: 'a', Value: '1' }] });
      await client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['u1', 'u2'] }));
      const { GameSession: g } = await client.send(
        new UpdateGameSessionCommand({
          GameSessionId: id,
          Name: 'renamed',
          MaximumPlayerSessionCount: 3,
          ProtectionPolicy: 'FullProtection',
          GameProperties: [
            { Key: 'b', Value: '2' },
            { Key: 'a', Value: 'changed' },
          ],
        }),
      );
      expect(g).toMatchObject({
        Name: 'renamed',
        MaximumPlayerSessionCount: 3,
        CurrentPlayerSessionCount: 2,
        GameProperties: [
          { Key: 'a', Value: 'changed' },
          { Key: 'b', Value: '2' },
        ],
      });
      await client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'u3' }));
      const details = await client.send(new DescribeGameSessionDetailsCommand({ GameSessionId: id }));
      expect(details.GameSessionDetails![0].ProtectionPolicy).toBe('FullProtection');

      const update = (input: object) =>
        outcome(client.send(new UpdateGameSessionCommand({ GameSessionId: id, ...input })));
      await expect(update({ MaximumPlayerSessionCount: 2 })).resolves.toBe('InvalidRequestException');
      await expect(update({ MaximumPlayerSessionCount: 201 })).resolves.toBe('InvalidRequestException');
      await expect(update({ PlayerSessionCreationPolicy: 'MAYBE' })).resolves.toBe('InvalidRequestException');
      await expect(update({ MaximumPlayerSessionCount: 200 })).resolves.toBe('ok');

      await client.send(new UpdateGameSessionCommand({ GameSessionId: id, PlayerSessionCreationPolicy: 'DENY_ALL' }));
      await expect(
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'u4' }))),
      ).resolves.toBe('InvalidGameSessionStatusException');
      await expect(
        outcome(client.send(new UpdateGameSessionCommand({ GameSessionId: '0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a' }))),
      ).resolves.toBe('NotFoundException');
    });
  });

  describe('SearchGameSessions', () => {
    it('filters and sorts ACTIVE sessions with the documented grammar, and pages', async () => {
      const tag = `s${Date.now()}`;
      const make = (name: string, max: number, mode: string, level: string) =>
        session({
          Name: `${tag}-${name}`,
          MaximumPlayerSessionCount: max,
          GameProperties: [
            { Key: 'tag', Value: tag },
            { Key: 'mode', Value: mode },
            { Key: 'level', Value: level },
          ],
        });
      const small = await make('small', 2, 'brawl', '3');
      const big = await make('big', 20, 'brawl', '10');
      const ctf = await make('ctf', 10, 'ctf', '7');
      await session({ Name: `${tag}-activating`, GameProperties: [{ Key: 'tag', Value: tag }] }, false);
      await client.send(new CreatePlayerSessionsCommand({ GameSessionId: small, PlayerIds: ['s1', 's2'] }));
      await client.send(new CreatePlayerSessionCommand({ GameSessionId: ctf, PlayerId: 's3' }));

      const search = async (FilterExpression: string, SortExpression?: string) => {
        const result = await client.send(
          new SearchGameSessionsCommand({
            FleetId: FLEET_ID,
            FilterExpression: `gameSessionProperties.tag = '${tag}' AND (${FilterExpression})`,
            SortExpression,
          }),
        );
        return result.GameSessions!.map((g) => g.GameSessionId);
      };
      await expect(search('maximumSessions >= 1', 'maximumSessions DESC')).resolves.toEqual([big, ctf, small]);
      await expect(search('hasAvailablePlayerSessions = true', 'creationTimeMillis ASC')).resolves.toEqual([big, ctf]);
      await expect(search('hasAvailablePlayerSessions = false')).resolves.toEqual([small]);
      await expect(search('playerSessionCount > 0', 'playerSessionCount ASC')).resolves.toEqual([ctf, small]);
      await expect(search(`gameSessionProperties.mode <> 'brawl'`)).resolves.toEqual([ctf]);
      await expect(search(`gameSessionProperties.level > 5`, 'gameSessionProperties.level ASC')).resolves.toEqual([
        big,
        ctf,
      ]);
      await expect(
        search(`NOT gameSessionName = '${tag}-big' AND maximumSessions < 15`, 'maximumSessions ASC'),
      ).resolves.toEqual([small, ctf]);
      await expect(
        search(`gameSessionId = '${big}' OR gameSessionId = '${uuidOf(small)}'`, 'maximumSessions ASC'),
      ).resolves.toEqual([small, big]);
      await expect(search(`creationTimeMillis > ${Date.now() + 3_600_000}`)).resolves.toEqual([]);

      const pages: string[][] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new SearchGameSessionsCommand({
            AliasId: 'alias-x',
            FilterExpression: `gameSessionProperties.tag = '${tag}'`,
            SortExpression: 'maximumSessions ASC',
            Limit: 2,
            NextToken,
          }),
        );
        pages.push(page.GameSessions!.map((g) => g.GameSessionId!));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(pages).toEqual([[small, ctf], [big]]);

      const bad = (FilterExpression?: string, SortExpression?: string, extra = {}) =>
        outcome(
          client.send(new SearchGameSessionsCommand({ FleetId: FLEET_ID, FilterExpression, SortExpression, ...extra })),
        );
      await expect(bad('maximumSessions = ')).resolves.toBe('InvalidRequestException');
      await expect(bad("gameSessionName > 'a'")).resolves.toBe('InvalidRequestException');
      await expect(bad(undefined, 'maximumSessions SIDEWAYS')).resolves.toBe('InvalidRequestException');
      await expect(bad('x'.repeat(1025))).resolves.toBe('InvalidRequestException');
      await expect(outcome(client.send(new SearchGameSessionsCommand({})))).resolves.toBe('InvalidRequestException');
    });
  });

  describe('TerminateGameSession', () => {
    it('ends the session at once and completes its seats', async () => {
      const id = await session({ MaximumPlayerSessionCount: 3 });
      await client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['t1', 't2'] }));
      const { GameSession: g } = await client.send(
        new TerminateGameSessionCommand({ GameSessionId: id, TerminationMode: 'TRIGGER_ON_PROCESS_TERMINATE' }),
      );
      expect(g).toMatchObject({
        Status: 'TERMINATED',
        StatusReason: 'TRIGGERED_ON_PROCESS_TERMINATE',
        CurrentPlayerSessionCount: 0,
      });
      expect(g!.TerminationTime).toBeInstanceOf(Date);
      const seats = await client.send(new DescribePlayerSessionsCommand({ GameSessionId: id }));
      expect(seats.PlayerSessions!.map((p) => p.Status)).toEqual(['COMPLETED', 'COMPLETED']);
      expect(seats.PlayerSessions!.every((p) => p.TerminationTime instanceof Date)).toBe(true);

      await expect(
        outcome(
          client.send(new TerminateGameSessionCommand({ GameSessionId: id, TerminationMode: 'FORCE_TERMINATE' })),
        ),
      ).resolves.toBe('InvalidGameSessionStatusException');
      await expect(
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 't3' }))),
      ).resolves.toBe('InvalidGameSessionStatusException');
      await expect(
        outcome(client.send(new UpdateGameSessionCommand({ GameSessionId: id, Name: 'late' }))),
      ).resolves.toBe('InvalidGameSessionStatusException');
      await expect(
        outcome(client.send(new TerminateGameSessionCommand({ GameSessionId: id, TerminationMode: 'NOW' as never }))),
      ).resolves.toBe('InvalidRequestException');

      const forced = await session();
      const ended = await client.send(
        new TerminateGameSessionCommand({ GameSessionId: forced, TerminationMode: 'FORCE_TERMINATE' }),
      );
      expect(ended.GameSession!.StatusReason).toBe('FORCE_TERMINATED');
    });
  });

  describe('game-server calls on the same endpoint', () => {
    it('accepts, removes, activates and changes the creation policy', async () => {
      const id = await session({ MaximumPlayerSessionCount: 1 });
      const other = await session();
      const { PlayerSession: ps } = await client.send(
        new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'g1' }),
      );
      const call = (target: string, input: object) => signedCall(service.baseUrl, target, input);

      const wrongSession = await call('AcceptPlayerSession', {
        GameSessionId: other,
        PlayerSessionId: ps!.PlayerSessionId,
      });
      expect(wrongSession.body.__type).toBe('NotFoundException');
      const accepted = await call('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: ps!.PlayerSessionId });
      expect(accepted.status).toBe(200);
      expect(accepted.body.PlayerSession).toMatchObject({ PlayerSessionId: ps!.PlayerSessionId, Status: 'ACTIVE' });
      const again = await call('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: ps!.PlayerSessionId });
      expect(again.body.__type).toBe('InvalidGameSessionStatusException');

      const removed = await call('RemovePlayerSession', { GameSessionId: id, PlayerSessionId: ps!.PlayerSessionId });
      expect(removed.body.PlayerSession).toMatchObject({ Status: 'COMPLETED' });
      expect(typeof removed.body.PlayerSession.TerminationTime).toBe('number');
      await expect(
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'g2' }))),
      ).resolves.toBe('ok');

      const denied = await call('UpdatePlayerSessionCreationPolicy', {
        GameSessionId: id,
        PlayerSessionCreationPolicy: 'DENY_ALL',
      });
      expect(denied.body.GameSession.PlayerSessionCreationPolicy).toBe('DENY_ALL');
      const activeAgain = await call('ActivateGameSession', { GameSessionId: id });
      expect(activeAgain.body.GameSession.Status).toBe('ACTIVE');

      expect((await call('AcceptPlayerSession', { GameSessionId: id })).body.__type).toBe('InvalidRequestException');
      expect(
        (
          await call('RemovePlayerSession', {
            GameSessionId: id,
            PlayerSessionId: 'psess-0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a',
          })
        ).body.__type,
      ).toBe('NotFoundException');
      expect(
        (await call('UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionCreationPolicy: 'SOME' }))
          .body.__type,
      ).toBe('InvalidRequestException');
    });
  });

  describe('protocol errors', () => {
    it('answers unknown targets, bad bodies and unknown members with AWS error types', async () => {
      const unknown = await signedCall(service.baseUrl, 'LaunchRocket', {});
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({
        __type: 'UnknownOperationException',
        message: 'Unknown operation GameLift.LaunchRocket',
      });
      expect(unknown.headers.get('x-amzn-requestid')).toBeTruthy();

      const notJson = await signedCall(service.baseUrl, 'DescribeGameSessions', undefined, { rawBody: '{"FleetId":' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.__type).toBe('SerializationException');
      const array = await signedCall(service.baseUrl, 'DescribeGameSessions', undefined, { rawBody: '[1,2]' });
      expect(array.body.__type).toBe('SerializationException');
      const wrongType = await signedCall(service.baseUrl, 'DescribeGameSessions', { FleetId: FLEET_ID, Limit: '5' });
      expect(wrongType.body.__type).toBe('InvalidRequestException');
      expect(wrongType.body.message).toContain('Limit');
    });
  });
});
