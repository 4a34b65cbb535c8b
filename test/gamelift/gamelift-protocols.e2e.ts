import * as GameLift from '@aws-sdk/client-gamelift';
import { BotocoreClient, type BotocoreProtocol } from '../clients/botocore.js';
import { FLEET_ID, gameLiftClient, gameLiftCborClient, signedCall, signedCborCall } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';

/** What one call gave, in terms every client can be compared by. */
type Outcome = { ok: true; output: unknown } | { ok: false; code: string; status: number | undefined; message: string };

interface Client {
  name: string;
  /** The path and content type of every request the client sent. */
  sent: string[];
  run(operation: string, input: Record<string, unknown>): Promise<Outcome>;
  /** A game-server call (not in the SDKs' models), in the same protocol. */
  activate(gameSessionId: string): Promise<void>;
}

const UNKNOWN_ARN = 'arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a';

/**
 * One table of cases, run in order by each client against its own game
 * session: `{{session}}`, `{{tag}}` and `{{next}}` (the previous answer's
 * NextToken) are filled in per client; `expect` is the outcome every client
 * must see. After the run, the clients' answers must be the same once ids,
 * tokens and timestamps are named by their order of appearance.
 */
const CASES: { operation: string; input: Record<string, unknown>; expect: string; activateFirst?: boolean }[] = [
  {
    operation: 'CreateGameSession',
    input: {
      FleetId: FLEET_ID,
      MaximumPlayerSessionCount: 3,
      Name: '{{tag}}-arena',
      GameProperties: [{ Key: 'tag', Value: '{{tag}}' }],
      GameSessionData: 'map=dust',
    },
    expect: 'ok',
  },
  {
    operation: 'CreatePlayerSession',
    input: { GameSessionId: '{{session}}', PlayerId: 'p1' },
    expect: 'InvalidGameSessionStatusException',
  },
  {
    operation: 'CreatePlayerSession',
    input: { GameSessionId: '{{session}}', PlayerId: 'p1', PlayerData: 'skill=3' },
    expect: 'ok',
    activateFirst: true,
  },
  { operation: 'CreatePlayerSession', input: { GameSessionId: '{{session}}', PlayerId: 'p2' }, expect: 'ok' },
  {
    operation: 'CreatePlayerSessions',
    input: { GameSessionId: '{{session}}', PlayerIds: ['p3'], PlayerDataMap: { p3: 'data-3', stranger: 'x' } },
    expect: 'ok',
  },
  {
    operation: 'CreatePlayerSession',
    input: { GameSessionId: '{{session}}', PlayerId: 'p4' },
    expect: 'GameSessionFullException',
  },
  {
    operation: 'CreatePlayerSessions',
    input: { GameSessionId: '{{session}}', PlayerIds: ['d', 'd'] },
    expect: 'InvalidRequestException',
  },
  { operation: 'DescribePlayerSessions', input: { GameSessionId: '{{session}}', Limit: 2 }, expect: 'ok' },
  {
    operation: 'DescribePlayerSessions',
    input: { GameSessionId: '{{session}}', Limit: 2, NextToken: '{{next}}' },
    expect: 'ok',
  },
  {
    operation: 'DescribePlayerSessions',
    input: { GameSessionId: '{{session}}', NextToken: 'forged' },
    expect: 'InvalidRequestException',
  },
  { operation: 'DescribePlayerSessions', input: { PlayerId: 'p2', GameSessionId: '{{session}}' }, expect: 'ok' },
  { operation: 'DescribeGameSessions', input: { GameSessionId: '{{session}}' }, expect: 'ok' },
  { operation: 'DescribeGameSessionDetails', input: { GameSessionId: '{{session}}' }, expect: 'ok' },
  { operation: 'DescribeGameSessions', input: {}, expect: 'InvalidRequestException' },
  { operation: 'DescribeGameSessions', input: { GameSessionId: UNKNOWN_ARN }, expect: 'NotFoundException' },
  { operation: 'DescribeGameSessions', input: { FleetId: 'fleet-unknown' }, expect: 'NotFoundException' },
  {
    operation: 'SearchGameSessions',
    input: { FleetId: FLEET_ID, FilterExpression: "gameSessionProperties.tag = '{{tag}}' AND playerSessionCount >= 3" },
    expect: 'ok',
  },
  {
    operation: 'SearchGameSessions',
    input: { FleetId: FLEET_ID, FilterExpression: 'maximumSessions = ' },
    expect: 'InvalidRequestException',
  },
  {
    operation: 'UpdateGameSession',
    input: { GameSessionId: '{{session}}', MaximumPlayerSessionCount: 201, PlayerSessionCreationPolicy: 'MAYBE' },
    expect: 'InvalidRequestException',
  },
  {
    operation: 'UpdateGameSession',
    input: {
      GameSessionId: '{{session}}',
      Name: '{{tag}}-renamed',
      MaximumPlayerSessionCount: 4,
      ProtectionPolicy: 'FullProtection',
    },
    expect: 'ok',
  },
  {
    operation: 'TerminateGameSession',
    input: { GameSessionId: '{{session}}', TerminationMode: 'FORCE_TERMINATE' },
    expect: 'ok',
  },
  {
    operation: 'CreatePlayerSession',
    input: { GameSessionId: '{{session}}', PlayerId: 'late' },
    expect: 'InvalidGameSessionStatusException',
  },
  {
    operation: 'CreateGameSession',
    input: { FleetId: 'fleet-elsewhere', MaximumPlayerSessionCount: 2 },
    expect: 'NotFoundException',
  },
  { operation: 'CreateGameSession', input: { MaximumPlayerSessionCount: 2 }, expect: 'InvalidRequestException' },
];

function jsClient(name: string, client: GameLift.GameLiftClient, activate: Client['activate']): Client {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path: string; headers: Record<string, string> };
      sent.push(`${request.path} ${request.headers['content-type']}`);
      return next(args);
    },
    { step: 'finalizeRequest' },
  );
  const commands = GameLift as unknown as Record<
    string,
    new (input: object) => Parameters<GameLift.GameLiftClient['send']>[0]
  >;
  return {
    name,
    sent,
    activate,
    async run(operation, input) {
      try {
        const { $metadata: _metadata, ...output } = (await client.send(
          new commands[`${operation}Command`](input),
        )) as unknown as Record<string, unknown>;
        return { ok: true, output };
      } catch (error) {
        const e = error as Error & { $metadata?: { httpStatusCode?: number } };
        return { ok: false, code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
      }
    },
  };
}

function botocoreClient(boto: BotocoreClient, protocol: BotocoreProtocol): Client {
  const snake = (operation: string) =>
    operation.replace(/[A-Z]/g, (c, i: number) => `${i ? '_' : ''}${c.toLowerCase()}`);
  const sent: string[] = [];
  return {
    name: `botocore ${protocol}`,
    sent,
    async activate(GameSessionId) {
      await boto.ok('activate_game_session', { GameSessionId }, { protocol });
    },
    async run(operation, input) {
      const result = await boto.call(snake(operation), input, { protocol });
      const { request, response } = result.wire ?? {};
      sent.push(`${new URL(request!.url).pathname} ${request!.headers['content-type']} ${response!.parser}`);
      if (result.ok) return { ok: true, output: result.output };
      return { ok: false, code: result.error.code, status: result.error.status, message: result.error.message };
    },
  };
}

/** Names ids and tokens by order of appearance, and checks and names timestamps, so that two runs compare. */
function normalizer(tag: string) {
  const names = new Map<string, string>();
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const name = (uuid: string) => {
    if (!names.has(uuid)) names.set(uuid, `<id${names.size + 1}>`);
    return names.get(uuid)!;
  };
  const normalize = (value: unknown, key = ''): unknown => {
    if (value instanceof Date || (value && typeof value === 'object' && '$date' in value)) {
      const seconds = value instanceof Date ? value.getTime() / 1000 : (value as { $date: number }).$date;
      if (Math.abs(seconds - Date.now() / 1000) > 3600) throw new Error(`${key} is not a recent timestamp: ${seconds}`);
      return '<timestamp>';
    }
    if (Array.isArray(value)) return value.map((v) => normalize(v, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, normalize(v, k)]),
      );
    }
    if (typeof value === 'string') {
      if (key === 'NextToken') return '<token>';
      return value.replace(UUID, name).replaceAll(tag, '<tag>');
    }
    return value;
  };
  return normalize;
}

describe('GameLift: the same cases over AWS JSON 1.1 and Smithy RPC v2 CBOR give the same results (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let boto: BotocoreClient;
  const sdkClients: GameLift.GameLiftClient[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
    boto = await BotocoreClient.start(service.baseUrl);
  });

  afterAll(async () => {
    for (const client of sdkClients) client.destroy();
    await boto?.close();
    await service?.close();
    await db?.drop();
  });

  it('runs one table of cases with four clients: two SDKs, each in both protocols', async () => {
    const jsJson = gameLiftClient(service.baseUrl);
    const jsCbor = gameLiftCborClient(service.baseUrl);
    sdkClients.push(jsJson, jsCbor);
    const clients: Client[] = [
      jsClient('@aws-sdk/client-gamelift AWS JSON 1.1', jsJson, async (GameSessionId) => {
        expect((await signedCall(service.baseUrl, 'ActivateGameSession', { GameSessionId })).status).toBe(200);
      }),
      jsClient('@aws-sdk/client-gamelift RPC v2 CBOR', jsCbor, async (GameSessionId) => {
        expect((await signedCborCall(service.baseUrl, 'ActivateGameSession', { GameSessionId })).status).toBe(200);
      }),
      botocoreClient(boto, 'json'),
      botocoreClient(boto, 'cbor'),
    ];

    const runs: { client: string; results: unknown[] }[] = [];
    for (const [index, client] of clients.entries()) {
      const tag = `t${index}x${Date.now()}`;
      const normalize = normalizer(tag);
      let session = '';
      let next = '';
      const fill = (value: unknown): unknown =>
        typeof value === 'string'
          ? value.replaceAll('{{session}}', session).replaceAll('{{tag}}', tag).replaceAll('{{next}}', next)
          : Array.isArray(value)
            ? value.map(fill)
            : value && typeof value === 'object'
              ? Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k) as string, fill(v)]))
              : value;
      const results: unknown[] = [];
      for (const step of CASES) {
        if (step.activateFirst) await client.activate(session);
        const outcome = await client.run(step.operation, fill(step.input) as Record<string, unknown>);
        const code = outcome.ok ? 'ok' : outcome.code;
        // Each client first gets what the table expects...
        expect([client.name, step.operation, code, outcome.ok ? '' : outcome.message]).toEqual([
          client.name,
          step.operation,
          step.expect,
          expect.any(String),
        ]);
        if (outcome.ok) {
          const output = outcome.output as { GameSession?: { GameSessionId: string }; NextToken?: string };
          if (step.operation === 'CreateGameSession') session = output.GameSession!.GameSessionId;
          next = output.NextToken ?? '';
        }
        results.push(
          normalize(
            outcome.ok ? outcome.output : { error: outcome.code, status: outcome.status, message: outcome.message },
          ),
        );
      }
      runs.push({ client: client.name, results });
    }
    // ...and then the same answers as every other client, member for member.
    for (const run of runs.slice(1)) {
      expect({ client: run.client, results: run.results }).toEqual({ client: run.client, results: runs[0].results });
    }
    // Each client spoke the protocol it stands for, on every call, and botocore decoded with the matching parser.
    const json = `^/ application/x-amz-json-1.1`;
    const cbor = `^/service/GameLift/operation/[A-Za-z]+ application/cbor`;
    for (const [client, pattern] of [
      [clients[0], json],
      [clients[1], cbor],
      [clients[2], `${json} JSONParser$`],
      [clients[3], `${cbor} RpcV2CBORParser$`],
    ] as const) {
      expect(client.sent).toHaveLength(CASES.length);
      for (const line of client.sent)
        expect([client.name, line]).toEqual([client.name, expect.stringMatching(pattern)]);
    }
    // The table covers what it claims: paging, errors with their status, and the player data of a batch.
    const baseline = runs[0].results as any[];
    expect(baseline[7].PlayerSessions).toHaveLength(2);
    expect(baseline[7].NextToken).toBe('<token>');
    expect(baseline[8].PlayerSessions).toHaveLength(1);
    expect(baseline[4].PlayerSessions[0]).toMatchObject({ PlayerId: 'p3', PlayerData: 'data-3' });
    expect(baseline[5]).toMatchObject({ error: 'GameSessionFullException', status: 400 });
    expect(baseline[18].message).toMatch(/^2 validation errors detected: /);
    expect(baseline[20].GameSession).toMatchObject({ Status: 'TERMINATED', TerminationTime: '<timestamp>' });
    await expectLedgerInvariants(db);
  });
});
