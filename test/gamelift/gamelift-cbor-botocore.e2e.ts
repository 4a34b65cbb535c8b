import { decode } from 'cbor2';
import { BotocoreClient } from '../clients/botocore.js';
import { DEV_KEY, FLEET_ID } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { http, loginAdmin, TestApp, TestDatabase } from '../utils/test-app.js';
import { uuidOf } from './gamelift-helpers.js';

const ARN = /^arn:aws:gamelift:us-east-1::gamesession\/fleet-joinery\/[0-9a-f-]{36}$/;
const PSESS = /^psess-[0-9a-f-]{36}$/;
const UNKNOWN_ARN = 'arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a';

/**
 * The GameLift scenarios of the AWS JSON 1.1 suites, run by boto3 1.43's
 * botocore with `smithy-rpc-v2-cbor` first in its protocol priority: its own
 * serializer, SigV4 signer and RpcV2CBORParser on every call, Joinery's
 * game-server calls included (added to botocore's loaded model).
 */
describe('GameLift over Smithy RPC v2 CBOR through botocore (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let boto: BotocoreClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    boto = await BotocoreClient.start(service.baseUrl);
  });

  afterAll(async () => {
    await boto?.close();
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  const newSession = async (params: Record<string, unknown> = {}, activate = true): Promise<string> => {
    const { GameSession } = await boto.ok('create_game_session', {
      FleetId: FLEET_ID,
      MaximumPlayerSessionCount: 4,
      ...params,
    });
    if (activate) await boto.ok('activate_game_session', { GameSessionId: GameSession.GameSessionId });
    return GameSession.GameSessionId as string;
  };

  it('runs botocore 1.43 with its own RPC v2 CBOR serializer and parser, both ways', async () => {
    expect(boto.versions.botocore).toMatch(/^1\.(4[3-9]|[5-9]\d)\./);
    const before = Date.now() / 1000;
    const result = await boto.call('create_game_session', {
      FleetId: FLEET_ID,
      MaximumPlayerSessionCount: 10,
      Name: 'Arena',
      CreatorId: 'creator-1',
      GameProperties: [{ Key: 'mode', Value: 'brawl' }],
      GameSessionData: 'map=dust',
    });
    if (!result.ok) throw new Error(result.error.message);
    const { request, response } = result.wire;
    expect(new URL(request!.url).pathname).toBe('/service/GameLift/operation/CreateGameSession');
    expect(request!.headers).toMatchObject({ 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' });
    expect(request!.headers).not.toHaveProperty('x-amz-target');
    expect(request!.headers.authorization).toMatch(/SignedHeaders=[^,]*content-type;[^,]*smithy-protocol/);
    // The body botocore sent is CBOR, not JSON.
    expect(decode(Buffer.from(request!.bodyBase64, 'base64'))).toMatchObject({ FleetId: FLEET_ID, Name: 'Arena' });
    expect(response).toMatchObject({
      status: 200,
      protocol: 'smithy-rpc-v2-cbor',
      parser: 'RpcV2CBORParser',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
    });
    expect(response!.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);

    const g = result.output.GameSession;
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
    expect(g.GameSessionId).toMatch(ARN);
    // botocore parsed CBOR tag 1 into a datetime (reported here in epoch seconds).
    expect(g.CreationTime.$date).toBeGreaterThanOrEqual(before - 5);
    expect(g.CreationTime.$date).toBeLessThanOrEqual(Date.now() / 1000 + 5);
    for (const member of ['TerminationTime', 'IpAddress', 'Port', 'StatusReason']) expect(g).not.toHaveProperty(member);
    const [row] = await db.query(`SELECT status, created_via FROM game_session WHERE id = $1`, [
      uuidOf(g.GameSessionId),
    ]);
    expect(row).toEqual({ status: 'ACTIVATING', created_via: 'gamelift' });
  });

  it('creates idempotently and refuses what the model or the fleet rules refuse, with typed errors', async () => {
    const input = { FleetId: FLEET_ID, MaximumPlayerSessionCount: 3, IdempotencyToken: 'cbor-token-1' };
    const first = await boto.ok('create_game_session', input);
    const second = await boto.ok('create_game_session', input);
    expect(second.GameSession.GameSessionId).toBe(first.GameSession.GameSessionId);

    const create = (params: Record<string, unknown>) =>
      boto.outcome('create_game_session', { MaximumPlayerSessionCount: 4, ...params });
    await expect(create({})).resolves.toBe('InvalidRequestException');
    await expect(create({ FleetId: 'fleet-elsewhere' })).resolves.toBe('NotFoundException');
    await expect(create({ FleetId: 'not-a-fleet' })).resolves.toBe('InvalidRequestException');
    await expect(create({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 201 })).resolves.toBe(
      'InvalidRequestException',
    );
    await expect(create({ FleetId: FLEET_ID, Location: 'x'.repeat(65) })).resolves.toBe('InvalidRequestException');
    const properties = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(create({ FleetId: FLEET_ID, GameProperties: properties(17) })).resolves.toBe(
      'InvalidRequestException',
    );
    await expect(create({ FleetId: FLEET_ID, GameProperties: properties(16) })).resolves.toBe('ok');

    // The error is botocore's modeled exception class, with status and message from the CBOR error map.
    const missing = await boto.call('describe_game_sessions', { GameSessionId: UNKNOWN_ARN });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'NotFoundException', class: 'NotFoundException', status: 400 },
      wire: { response: { parser: 'RpcV2CBORParser', headers: { 'smithy-protocol': 'rpc-v2-cbor' } } },
    });
    expect(!missing.ok && missing.error.message).toContain('not found');
    const tooMany = await boto.call('create_game_session', { FleetId: FLEET_ID, MaximumPlayerSessionCount: 500 });
    expect(!tooMany.ok && tooMany.error).toMatchObject({ code: 'InvalidRequestException', status: 400 });
    expect(!tooMany.ok && tooMany.error.message).toMatch(/^1 validation error detected: MaximumPlayerSessionCount/);
  });

  it('reserves player sessions once the game server activates the session, one by one and in batches', async () => {
    const id = await newSession({ MaximumPlayerSessionCount: 2 }, false);
    await expect(boto.outcome('create_player_session', { GameSessionId: id, PlayerId: 'p1' })).resolves.toBe(
      'InvalidGameSessionStatusException',
    );
    const activated = await boto.ok('activate_game_session', { GameSessionId: id });
    expect(activated.GameSession.Status).toBe('ACTIVE');
    const { PlayerSession: ps } = await boto.ok('create_player_session', {
      GameSessionId: id,
      PlayerId: 'p1',
      PlayerData: 'skill=3',
    });
    expect(ps).toMatchObject({ PlayerId: 'p1', GameSessionId: id, Status: 'RESERVED', PlayerData: 'skill=3' });
    expect(ps.PlayerSessionId).toMatch(PSESS);
    expect(Math.abs(ps.CreationTime.$date - Date.now() / 1000)).toBeLessThan(60);
    const again = await boto.ok('create_player_session', { GameSessionId: uuidOf(id), PlayerId: 'p1' });
    expect(again.PlayerSession.PlayerSessionId).toBe(ps.PlayerSessionId);
    await boto.ok('create_player_session', { GameSessionId: id, PlayerId: 'p2' });
    await expect(boto.outcome('create_player_session', { GameSessionId: id, PlayerId: 'p3' })).resolves.toBe(
      'GameSessionFullException',
    );
    await expect(
      boto.outcome('create_player_session', { GameSessionId: 'gamesession-42', PlayerId: 'p' }),
    ).resolves.toBe('NotFoundException');
    await expect(boto.outcome('create_player_session', { GameSessionId: 'not valid!', PlayerId: 'p' })).resolves.toBe(
      'InvalidRequestException',
    );

    const batchId = await newSession({ MaximumPlayerSessionCount: 26 });
    const { PlayerSessions } = await boto.ok('create_player_sessions', {
      GameSessionId: batchId,
      PlayerIds: ['a', 'b', 'c'],
      PlayerDataMap: { a: 'data-a', c: 'data-c', stranger: 'ignored' },
    });
    expect(PlayerSessions.map((p: any) => [p.PlayerId, p.PlayerData ?? null, p.Status])).toEqual([
      ['a', 'data-a', 'RESERVED'],
      ['b', null, 'RESERVED'],
      ['c', 'data-c', 'RESERVED'],
    ]);
    const batch = (PlayerIds: string[]) =>
      boto.outcome('create_player_sessions', { GameSessionId: batchId, PlayerIds });
    await expect(batch(['dup', 'dup'])).resolves.toBe('InvalidRequestException');
    await expect(batch(Array.from({ length: 25 }, (_, i) => `quarter-${i}`))).resolves.toBe('GameSessionFullException');
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM seat WHERE session_id = $1`, [uuidOf(batchId)]);
    expect(n).toBe(3);
  });

  it('describes player sessions and game sessions page by page with NextToken', async () => {
    const id = await newSession({ MaximumPlayerSessionCount: 10 });
    const created = await boto.ok('create_player_sessions', {
      GameSessionId: id,
      PlayerIds: ['d1', 'd2', 'd3', 'd4', 'd5'],
    });
    const ids: string[] = created.PlayerSessions.map((p: any) => p.PlayerSessionId);
    const accepted = await boto.ok('accept_player_session', { GameSessionId: id, PlayerSessionId: ids[0] });
    expect(accepted.PlayerSession.Status).toBe('ACTIVE');

    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await boto.ok('describe_player_sessions', {
        GameSessionId: id,
        Limit: 2,
        ...(NextToken ? { NextToken } : {}),
      });
      expect(page.PlayerSessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.PlayerSessions.map((p: any) => p.PlayerSessionId));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(pages).toBe(3);
    const active = await boto.ok('describe_player_sessions', {
      GameSessionId: id,
      PlayerSessionStatusFilter: 'ACTIVE',
    });
    expect(active.PlayerSessions.map((p: any) => p.PlayerId)).toEqual(['d1']);
    await expect(boto.outcome('describe_player_sessions', { GameSessionId: id, NextToken: 'forged' })).resolves.toBe(
      'InvalidRequestException',
    );

    const fleet: string[] = [];
    NextToken = undefined;
    do {
      const page = await boto.ok('describe_game_sessions', {
        FleetId: FLEET_ID,
        Limit: 3,
        ...(NextToken ? { NextToken } : {}),
      });
      fleet.push(...page.GameSessions.map((g: any) => g.GameSessionId));
      NextToken = page.NextToken;
    } while (NextToken);
    const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM game_session`);
    expect(fleet).toHaveLength(total);
    expect(new Set(fleet).size).toBe(total);
    const details = await boto.ok('describe_game_session_details', { GameSessionId: id });
    expect(details.GameSessionDetails).toEqual([
      { GameSession: expect.objectContaining({ GameSessionId: id }), ProtectionPolicy: 'NoProtection' },
    ]);
    await expect(boto.outcome('describe_game_sessions', { FleetId: 'fleet-unknown' })).resolves.toBe(
      'NotFoundException',
    );
  });

  it('searches with the documented grammar and pages the results', async () => {
    const tag = `c${Date.now()}`;
    const make = (name: string, max: number, mode: string) =>
      newSession({
        Name: `${tag}-${name}`,
        MaximumPlayerSessionCount: max,
        GameProperties: [
          { Key: 'tag', Value: tag },
          { Key: 'mode', Value: mode },
        ],
      });
    const small = await make('small', 2, 'brawl');
    const big = await make('big', 20, 'brawl');
    const ctf = await make('ctf', 10, 'ctf');
    await boto.ok('create_player_sessions', { GameSessionId: small, PlayerIds: ['s1', 's2'] });
    const search = async (filter: string, SortExpression?: string) =>
      (
        await boto.ok('search_game_sessions', {
          FleetId: FLEET_ID,
          FilterExpression: `gameSessionProperties.tag = '${tag}' AND (${filter})`,
          ...(SortExpression ? { SortExpression } : {}),
        })
      ).GameSessions.map((g: any) => g.GameSessionId);
    await expect(search('maximumSessions >= 1', 'maximumSessions DESC')).resolves.toEqual([big, ctf, small]);
    await expect(search('hasAvailablePlayerSessions = false')).resolves.toEqual([small]);
    await expect(search(`gameSessionProperties.mode <> 'brawl'`)).resolves.toEqual([ctf]);

    const pages: string[][] = [];
    let NextToken: string | undefined;
    do {
      const page = await boto.ok('search_game_sessions', {
        FleetId: FLEET_ID,
        FilterExpression: `gameSessionProperties.tag = '${tag}'`,
        SortExpression: 'maximumSessions ASC',
        Limit: 2,
        ...(NextToken ? { NextToken } : {}),
      });
      pages.push(page.GameSessions.map((g: any) => g.GameSessionId));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages).toEqual([[small, ctf], [big]]);
    await expect(
      boto.outcome('search_game_sessions', { FleetId: FLEET_ID, FilterExpression: 'maximumSessions = ' }),
    ).resolves.toBe('InvalidRequestException');
  });

  it('updates and terminates, and runs the game-server calls', async () => {
    const id = await newSession({ MaximumPlayerSessionCount: 2 });
    const updated = await boto.ok('update_game_session', {
      GameSessionId: id,
      Name: 'renamed',
      MaximumPlayerSessionCount: 3,
      ProtectionPolicy: 'FullProtection',
    });
    expect(updated.GameSession).toMatchObject({ Name: 'renamed', MaximumPlayerSessionCount: 3 });
    const { PlayerSession } = await boto.ok('create_player_session', { GameSessionId: id, PlayerId: 'g1' });
    const removed = await boto.ok('remove_player_session', {
      GameSessionId: id,
      PlayerSessionId: PlayerSession.PlayerSessionId,
    });
    expect(removed.PlayerSession.Status).toBe('COMPLETED');
    expect(typeof removed.PlayerSession.TerminationTime.$date).toBe('number');
    const denied = await boto.ok('update_player_session_creation_policy', {
      GameSessionId: id,
      PlayerSessionCreationPolicy: 'DENY_ALL',
    });
    expect(denied.GameSession.PlayerSessionCreationPolicy).toBe('DENY_ALL');
    await expect(boto.outcome('create_player_session', { GameSessionId: id, PlayerId: 'g2' })).resolves.toBe(
      'InvalidGameSessionStatusException',
    );
    const ended = await boto.ok('terminate_game_session', { GameSessionId: id, TerminationMode: 'FORCE_TERMINATE' });
    expect(ended.GameSession).toMatchObject({ Status: 'TERMINATED', StatusReason: 'FORCE_TERMINATED' });
    expect(ended.GameSession.TerminationTime.$date).toBeGreaterThanOrEqual(ended.GameSession.CreationTime.$date);
    await expect(boto.outcome('update_game_session', { GameSessionId: id, Name: 'late' })).resolves.toBe(
      'InvalidGameSessionStatusException',
    );
  });

  it('refuses bad signatures, unknown keys, skewed clocks and missing permissions with the SigV4 error types', async () => {
    const describe = (options: Parameters<BotocoreClient['call']>[2]) =>
      boto.call('describe_game_sessions', { FleetId: FLEET_ID }, options);
    const badSecret = await describe({
      credentials: { accessKeyId: DEV_KEY.accessKeyId, secretAccessKey: 'w'.repeat(40) },
    });
    expect(!badSecret.ok && badSecret.error).toMatchObject({ code: 'InvalidSignatureException', status: 400 });
    expect(!badSecret.ok && badSecret.wire?.response?.parser).toBe('RpcV2CBORParser');
    const unknownKey = await describe({
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) },
    });
    expect(!unknownKey.ok && unknownKey.error.code).toBe('UnrecognizedClientException');
    const skewed = await describe({ skewSeconds: 20 * 60 });
    expect(!skewed.ok && skewed.error.code).toBe('InvalidSignatureException');
    expect(!skewed.ok && skewed.error.message).toMatch(/^Signature expired/);
    await expect(describe({ skewSeconds: 10 * 60 }).then((r) => r.ok)).resolves.toBe(true);
    const otherRegion = await describe({ region: 'ap-south-1' });
    expect(otherRegion.ok).toBe(true);

    const admin = (await loginAdmin(service.baseUrl)).access_token;
    const key = async (role: string) => {
      const created = await http(service.baseUrl, 'POST', '/admin/v1/access-keys', {
        token: admin,
        body: { role, description: `cbor ${role}` },
      });
      expect(created.status).toBe(201);
      return { accessKeyId: created.body.access_key_id, secretAccessKey: created.body.secret_access_key };
    };
    const player = await describe({ credentials: await key('player') });
    expect(!player.ok && player.error.code).toBe('AccessDeniedException');
    const gameClient = await key('game-client');
    const id = await newSession();
    const { PlayerSession } = await boto.ok(
      'create_player_session',
      { GameSessionId: id, PlayerId: 'pc-1' },
      { credentials: gameClient },
    );
    await expect(
      boto.outcome(
        'accept_player_session',
        { GameSessionId: id, PlayerSessionId: PlayerSession.PlayerSessionId },
        { credentials: gameClient },
      ),
    ).resolves.toBe('AccessDeniedException');
  });
});
