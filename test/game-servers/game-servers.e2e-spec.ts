import {
  CreateGameSessionCommand,
  CreatePlayerSessionCommand,
  DeregisterComputeCommand,
  DescribeComputeCommand,
  DescribeGameSessionsCommand,
  DescribePlayerSessionsCommand,
  type GameLiftClient,
  GetComputeAuthTokenCommand,
  ListComputeCommand,
  RegisterComputeCommand,
  TerminateGameSessionCommand,
  UpdateGameSessionCommand,
} from '@aws-sdk/client-gamelift';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET_ID, gameLiftClient } from '../clients/gamelift.js';
import { TestGameServer, UpgradeRefused } from '../clients/game-server-sdk.js';
import { outcome } from '../gamelift/gamelift-helpers.js';
import { expectRallyHereSchema } from '../utils/rallyhere-schemas.js';
import { TestDatabase } from '../utils/database.js';
import { http, loginAdmin, loginPlayer } from '../utils/http.js';
import { eventually, readyServer, registerHost, type SdkInstance, startSdkInstances } from './game-servers-helpers.js';

/**
 * Unchanged-SDK game servers against two Joinery instances on one database:
 * our test game server (test/clients/game-server-sdk.ts) speaks the SDK side
 * exactly as the spec's captures show; the AWS SDK drives the API side. The
 * process sockets are held by instance A while the API calls go to B, so
 * every push crosses instances through LISTEN/NOTIFY.
 */
describe('Game servers on the GameLift Server SDK 5 protocol (e2e)', () => {
  let db: TestDatabase;
  let a: SdkInstance;
  let b: SdkInstance;
  let viaA: GameLiftClient;
  let viaB: GameLiftClient;
  const servers: TestGameServer[] = [];

  const track = (server: TestGameServer) => {
    servers.push(server);
    return server;
  };
  const gameSession = async (id: string) =>
    (await viaA.send(new DescribeGameSessionsCommand({ GameSessionId: id }))).GameSessions![0];
  const processRow = async (pid: string) =>
    (await db.query(`SELECT * FROM server_process WHERE pid = $1`, [pid]))[0] as Record<string, any>;

  beforeAll(async () => {
    db = await TestDatabase.create();
    const dir = await mkdtemp(join(tmpdir(), 'joinery-templates-'));
    const templates = join(dir, 'templates.json');
    writeFileSync(
      templates,
      JSON.stringify({
        templates: {
          match: {
            can_be_created_by_players_directly: true,
            attempt_auto_join: true,
            default_public: true,
            num_teams: 1,
            players_per_team: 4,
            auto_startup_params: { map: 'dust', mode: 'ctf', misc_params: '' },
          },
        },
      }),
    );
    [a, b] = await startSdkInstances(db.url, 2, { SESSION_TEMPLATES_FILE: templates });
    viaA = gameLiftClient(a.service.url);
    viaB = gameLiftClient(b.service.url, undefined, 60);
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      if (server.isOpen) await server.processEnding().catch(() => undefined);
      server.destroy();
    }
    // Each test starts with no live process (so capacity is what the test makes).
    await db.query(`UPDATE server_process SET status = 'TERMINATED' WHERE status <> 'TERMINATED'`);
  });

  afterAll(async () => {
    viaA?.destroy();
    viaB?.destroy();
    await Promise.all([a?.service.stop(), b?.service.stop()]);
    await db?.drop();
  });

  it('registers, describes, lists and deregisters computes, and issues hashed auth tokens', async () => {
    const registered = await viaB.send(
      new RegisterComputeCommand({
        FleetId: FLEET_ID,
        ComputeName: 'host-a',
        IpAddress: '10.1.2.3',
        Location: 'us-east-1',
      }),
    );
    expect(registered.Compute).toMatchObject({
      FleetId: FLEET_ID,
      ComputeName: 'host-a',
      ComputeArn: expect.stringMatching(/:compute\/host-a$/),
      IpAddress: '10.1.2.3',
      ComputeStatus: 'ACTIVE',
      Location: 'us-east-1',
      GameLiftServiceSdkEndpoint: expect.stringMatching(/^wss:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(registered.Compute!.CreationTime).toBeInstanceOf(Date);
    const described = await viaA.send(
      new DescribeComputeCommand({ FleetId: FLEET_ID, ComputeName: registered.Compute!.ComputeArn }),
    );
    expect(described.Compute?.ComputeName).toBe('host-a');
    await viaB.send(new RegisterComputeCommand({ FleetId: FLEET_ID, ComputeName: 'host-b', DnsName: 'b.example.org' }));
    const listed = await viaA.send(new ListComputeCommand({ FleetId: FLEET_ID, Limit: 1 }));
    expect(listed.ComputeList?.map((c) => c.ComputeName)).toEqual(['host-a']);
    const next = await viaA.send(new ListComputeCommand({ FleetId: FLEET_ID, Limit: 1, NextToken: listed.NextToken }));
    expect(next.ComputeList?.map((c) => c.ComputeName)).toEqual(['host-b']);

    const token = await viaB.send(new GetComputeAuthTokenCommand({ FleetId: FLEET_ID, ComputeName: 'host-a' }));
    expect(token.AuthToken).toMatch(/^[a-zA-Z0-9-]{1,64}$/);
    expect(token.ExpirationTimestamp!.getTime()).toBeGreaterThan(Date.now());
    const stored = await db.query(`SELECT token_digest FROM compute_auth_token WHERE compute_name = 'host-a'`);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_digest).not.toContain(token.AuthToken);

    await viaB.send(new DeregisterComputeCommand({ FleetId: FLEET_ID, ComputeName: 'host-b' }));
    await expect(
      viaA.send(new DescribeComputeCommand({ FleetId: FLEET_ID, ComputeName: 'host-b' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    // Bad input: the model's constraints, answered InvalidRequestException; nothing is written.
    await expect(
      viaA.send(new RegisterComputeCommand({ FleetId: FLEET_ID, ComputeName: 'bad name!', IpAddress: '10.0.0.1' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      viaA.send(new RegisterComputeCommand({ FleetId: FLEET_ID, ComputeName: 'no-address' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await expect(
      viaA.send(new GetComputeAuthTokenCommand({ FleetId: 'fleet-other', ComputeName: 'host-a' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(db.query(`SELECT name FROM compute ORDER BY name`)).resolves.toEqual([{ name: 'host-a' }]);
  });

  it('runs the whole loop: ready, placement, activation, players accepted and removed, ProcessEnding', async () => {
    const host = await registerHost(viaB, 'loop-host', { IpAddress: '10.9.8.7', DnsName: 'loop.example.org' });
    const server = track(await readyServer([a.sdkUrl], 'loop-host', host.token, 7777));
    await expect(processRow(server.pid)).resolves.toMatchObject({ status: 'ACTIVE', healthy: true, port: 7777 });

    const created = await viaB.send(
      new CreateGameSessionCommand({
        FleetId: FLEET_ID,
        MaximumPlayerSessionCount: 4,
        Name: 'loop',
        GameSessionData: 'custom-data',
        GameProperties: [{ Key: 'mode', Value: 'ctf' }],
      }),
    );
    const id = created.GameSession!.GameSessionId!;
    expect(id).toMatch(/^[a-zA-Z0-9:/-]+$/);
    expect(created.GameSession).toMatchObject({ IpAddress: '10.9.8.7', DnsName: 'loop.example.org', Port: 7777 });

    // The push crossed instances (API on B, socket on A), in the spec's shape: no RequestId, StatusCode 200.
    const push = await server.waitForPush('CreateGameSession');
    expect(push).toEqual({
      Action: 'CreateGameSession',
      StatusCode: 200,
      GameSessionId: id,
      GameSessionName: 'loop',
      FleetId: FLEET_ID,
      GameSessionData: 'custom-data',
      MaximumPlayerSessionCount: 4,
      IpAddress: '10.9.8.7',
      DnsName: 'loop.example.org',
      Port: 7777,
      GameProperties: { mode: 'ctf' },
    });
    await expect(gameSession(id)).resolves.toMatchObject({ Status: 'ACTIVATING' });
    const activated = await server.activateGameSession(id);
    expect(activated).toMatchObject({ Action: 'ActivateGameSession', RequestId: activated.RequestId, StatusCode: 200 });
    await expect(gameSession(id)).resolves.toMatchObject({ Status: 'ACTIVE' });
    await viaB.send(new UpdateGameSessionCommand({ GameSessionId: id, Name: 'loop-2' }));
    await expect(server.waitForPush('UpdateGameSession')).resolves.toMatchObject({
      StatusCode: 200,
      UpdateReason: 'UNKNOWN',
      GameSession: { GameSessionId: id, Name: 'loop-2', Port: 7777, MaximumPlayerSessionCount: 4 },
    });

    const player = (
      await viaB.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'player-1', PlayerData: 'pd' }))
    ).PlayerSession!;
    expect(player).toMatchObject({
      Status: 'RESERVED',
      IpAddress: '10.9.8.7',
      DnsName: 'loop.example.org',
      Port: 7777,
    });
    expect(player.PlayerSessionId).toMatch(/^[a-zA-Z0-9.-]+$/);

    // AcceptPlayerSession, then the same frame resent (same RequestId): the same answer, not a second accept.
    const requestId = 'accept-once-1';
    const accepted = await server.request(
      'AcceptPlayerSession',
      { GameSessionId: id, PlayerSessionId: player.PlayerSessionId },
      requestId,
    );
    const resent = await server.request(
      'AcceptPlayerSession',
      { GameSessionId: id, PlayerSessionId: player.PlayerSessionId },
      requestId,
    );
    expect(accepted).toEqual({ Action: 'AcceptPlayerSession', RequestId: requestId, StatusCode: 200 });
    expect(resent).toEqual(accepted);
    // A network drop: the client reconnects (same URL and IdempotencyToken) and resends; still the same answer.
    server.drop();
    await eventually(async () => server.connections === 2 && server.isOpen, 5_000);
    await expect(
      server.request('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: player.PlayerSessionId }, requestId),
    ).resolves.toEqual(accepted);
    const again = await server.acceptPlayerSession(id, player.PlayerSessionId!);
    expect(again.StatusCode).toBe(400);

    const described = await server.request('DescribePlayerSessions', {
      GameSessionId: id,
      PlayerSessionStatusFilter: 'ACTIVE',
      Limit: 10,
    });
    expect(described).toMatchObject({ StatusCode: 200, NextToken: '' });
    const [seen] = described.PlayerSessions as Record<string, unknown>[];
    expect(seen).toMatchObject({
      PlayerId: 'player-1',
      PlayerSessionId: player.PlayerSessionId,
      Status: 'ACTIVE',
      Port: 7777,
      PlayerData: 'pd',
    });
    expect(Number.isInteger(seen.CreationTime)).toBe(true);
    expect(seen.CreationTime as number).toBeGreaterThan(1e12);
    expect(seen.TerminationTime).toBe(0);

    await expect(
      server.request('UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionPolicy: 'DENY_ALL' }),
    ).resolves.toMatchObject({ StatusCode: 200 });
    await expect(gameSession(id)).resolves.toMatchObject({ PlayerSessionCreationPolicy: 'DENY_ALL' });
    await expect(server.removePlayerSession(id, player.PlayerSessionId!)).resolves.toMatchObject({ StatusCode: 200 });
    const after = await viaA.send(new DescribePlayerSessionsCommand({ PlayerSessionId: player.PlayerSessionId }));
    expect(after.PlayerSessions![0].Status).toBe('COMPLETED');

    await expect(server.request('GetComputeCertificate')).resolves.toMatchObject({
      StatusCode: 200,
      ComputeName: 'loop-host',
      CertificatePath: '',
    });
    for (const unsupported of ['GetFleetRoleCredentials', 'StartMatchBackfill', 'StopMatchBackfill']) {
      const answer = await server.request(unsupported, { RoleArn: 'arn:aws:iam::1:role/x' });
      expect(answer).toMatchObject({
        Action: unsupported,
        StatusCode: 400,
        ErrorMessage: expect.stringContaining('not supported'),
      });
    }

    await expect(server.processEnding()).resolves.toMatchObject({ Action: 'TerminateServerProcess', StatusCode: 200 });
    server.destroy();
    await expect(gameSession(id)).resolves.toMatchObject({ Status: 'TERMINATED' });
    await expect(processRow(server.pid)).resolves.toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'PROCESS_ENDING',
    });
    // A pID belongs to one execution: it cannot connect again.
    const reused = new TestGameServer({
      urls: [a.sdkUrl],
      fleetId: FLEET_ID,
      computeId: 'loop-host',
      authToken: host.token,
      pid: server.pid,
    });
    await expect(reused.connect()).rejects.toMatchObject({ status: 403 });
  });

  it('places 50 concurrent CreateGameSession calls on 20 processes: 20 sessions on 20 processes, 30 FleetCapacityExceeded', async () => {
    const host = await registerHost(viaB, 'capacity-host');
    const fleet = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        readyServer([i % 2 ? a.sdkUrl : b.sdkUrl], 'capacity-host', host.token, 8000 + i),
      ),
    );
    fleet.forEach(track);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? viaA : viaB)
          .send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 }))
          .then(
            (r) => r.GameSession!,
            (e: Error) => e,
          ),
      ),
    );
    const placed = results.filter((r): r is Exclude<typeof r, Error> => !(r instanceof Error));
    const refused = results.filter((r): r is Error => r instanceof Error);
    expect(placed).toHaveLength(20);
    expect(refused.map((e) => e.name)).toEqual(Array(30).fill('FleetCapacityExceededException'));
    // No process got two sessions, each got exactly its own push.
    const rows = await db.query<{ process_id: string; n: number }>(
      `SELECT process_id, count(*)::int AS n FROM game_session WHERE process_id IS NOT NULL AND status <> 'TERMINATED'
        GROUP BY process_id`,
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(new Set(placed.map((s) => s.Port)).size).toBe(20);
    const pushes = await Promise.all(fleet.map((s) => s.waitForPush('CreateGameSession')));
    expect(new Set(pushes.map((p) => p.GameSessionId)).size).toBe(20);
    expect(pushes.map((p) => p.Port)).toEqual(fleet.map((_, i) => 8000 + i));
    expect(fleet.every((s) => s.pushes.filter((p) => p.Action === 'CreateGameSession').length === 1)).toBe(true);
  });

  it('ends the session of a process that stops heartbeating, releases its seats, and places nothing more on it', async () => {
    const host = await registerHost(viaB, 'quiet-host');
    const server = track(await readyServer([a.sdkUrl], 'quiet-host', host.token, 7001));
    const id = (await viaB.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 3 })))
      .GameSession!.GameSessionId!;
    await server.waitForPush('CreateGameSession');
    await server.activateGameSession(id);
    const seats = await Promise.all(
      ['q-1', 'q-2'].map(
        async (p) =>
          (await viaB.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: p }))).PlayerSession!,
      ),
    );
    await server.acceptPlayerSession(id, seats[0].PlayerSessionId!);

    server.stopHeartbeats(); // the socket stays open: the process just stops reporting
    await eventually(async () => (await gameSession(id)).Status === 'TERMINATED', 10_000);
    const players = await viaA.send(new DescribePlayerSessionsCommand({ GameSessionId: id }));
    expect(players.PlayerSessions!.map((p) => p.Status).sort()).toEqual(['COMPLETED', 'COMPLETED']);
    await expect(gameSession(id)).resolves.toMatchObject({ CurrentPlayerSessionCount: 0 });
    await expect(processRow(server.pid)).resolves.toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'UNHEALTHY',
    });
    await expect(server.waitForPush('TerminateProcess')).resolves.toMatchObject({
      StatusCode: 200,
      TerminationTime: expect.any(Number),
    });
    // The only process is gone: new sessions have nowhere to go (the fleet keeps no live process, so ledger-only again).
    await expect(server.heartbeat(true)).resolves.toMatchObject({ StatusCode: 400 });
  });

  it('ends a session its process does not activate in time, and that process', async () => {
    const host = await registerHost(viaB, 'slow-host');
    const server = track(await readyServer([a.sdkUrl], 'slow-host', host.token, 7002));
    const id = (await viaB.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 })))
      .GameSession!.GameSessionId!;
    await server.waitForPush('CreateGameSession');
    await eventually(async () => (await gameSession(id)).Status === 'TERMINATED', 10_000);
    await expect(processRow(server.pid)).resolves.toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'ACTIVATION_TIMEOUT',
    });
    await expect(server.waitForPush('TerminateProcess')).resolves.toMatchObject({ Action: 'TerminateProcess' });
  });

  it('pushes TerminateProcess for TerminateGameSession, and to the newest socket of a process', async () => {
    const host = await registerHost(viaB, 'term-host');
    const first = track(await readyServer([a.sdkUrl], 'term-host', host.token, 7003));
    const id = (await viaB.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 })))
      .GameSession!.GameSessionId!;
    await first.waitForPush('CreateGameSession');
    await first.activateGameSession(id);
    // A second socket with the same pID (on the other instance) becomes current; the first is never closed by Joinery.
    const firstConnection = (await processRow(first.pid)).connection_id;
    const second = track(
      new TestGameServer({
        urls: [b.sdkUrl],
        fleetId: FLEET_ID,
        computeId: 'term-host',
        authToken: host.token,
        pid: first.pid,
      }),
    );
    await second.connect();
    await eventually(async () => (await processRow(first.pid)).connection_id !== firstConnection, 5_000);
    await viaA.send(
      new TerminateGameSessionCommand({ GameSessionId: id, TerminationMode: 'TRIGGER_ON_PROCESS_TERMINATE' }),
    );
    await expect(second.waitForPush('TerminateProcess')).resolves.toMatchObject({ StatusCode: 200 });
    expect(first.pushes.filter((p) => p.Action === 'TerminateProcess')).toHaveLength(0);
    expect(first.closedWith).toEqual([]);
    await expect(second.processEnding()).resolves.toMatchObject({ StatusCode: 200 });
    await expect(gameSession(id)).resolves.toMatchObject({ Status: 'TERMINATED' });
  });

  it('answers bad socket input with errors or a non-1000 close, never a crash, and changes nothing', async () => {
    const host = await registerHost(viaB, 'bad-host');
    // Upgrades: wrong token, wrong fleet, unknown compute → 403; the SDK's own path with a trailing slash works.
    for (const [computeId, token, fleetId] of [
      ['bad-host', 'not-the-token', FLEET_ID],
      ['bad-host', host.token, 'fleet-other'],
      ['no-such-host', host.token, FLEET_ID],
    ]) {
      const refused = new TestGameServer({ urls: [a.sdkUrl], fleetId, computeId, authToken: token });
      await expect(refused.connect()).rejects.toBeInstanceOf(UpgradeRefused);
    }
    const cpp = track(
      new TestGameServer({
        urls: [a.wssUrl],
        fleetId: FLEET_ID,
        computeId: 'bad-host',
        authToken: host.token,
        sdkLanguage: 'Cpp',
        sdkVersion: '5.4.0',
      }),
    );
    await cpp.connect();
    await expect(cpp.processReady(7010)).resolves.toMatchObject({ StatusCode: 200 });

    const victim = track(await readyServer([b.sdkUrl], 'bad-host', host.token, 7011));
    const id = (await viaB.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 })))
      .GameSession!.GameSessionId!;
    const target =
      [cpp, victim].find((s) => s.pushes.some((p) => p.Action === 'CreateGameSession')) ??
      (await Promise.race([
        cpp.waitForPush('CreateGameSession').then(() => cpp),
        victim.waitForPush('CreateGameSession').then(() => victim),
      ]));
    const other = target === cpp ? victim : cpp;
    const before = await db.query(`SELECT status, version FROM game_session WHERE process_id IS NOT NULL`);

    const attacker = track(await readyServer([a.sdkUrl], 'bad-host', host.token, 7012));
    await attacker.sendFrame('not json');
    await attacker.sendFrame('[1,2,3]');
    await attacker.sendFrame(JSON.stringify({ Action: 'HeartbeatServerProcess' }));
    await eventually(async () => attacker.unmatched.length === 3, 2_000);
    expect(attacker.unmatched.every((m) => m.StatusCode === 400 && typeof m.ErrorMessage === 'string')).toBe(true);
    const answers = await Promise.all([
      attacker.request('NoSuchAction'),
      attacker.request('ActivateServerProcess', { Port: 'seven' }),
      attacker.request('ActivateServerProcess', { Port: 1.5 }),
      attacker.request('HeartbeatServerProcess', {}),
      attacker.request('AcceptPlayerSession', { GameSessionId: id }),
      attacker.request('DescribePlayerSessions', {}),
      // Another process's session: refused.
      attacker.request('ActivateGameSession', { GameSessionId: id }),
      attacker.request('AcceptPlayerSession', {
        GameSessionId: id,
        PlayerSessionId: 'psess-00000000-0000-4000-8000-000000000000',
      }),
      attacker.request('UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionPolicy: 'DENY_ALL' }),
      attacker.request('ActivateGameSession', { GameSessionId: 'x'.repeat(300) }),
    ]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ StatusCode: expect.any(Number), ErrorMessage: expect.any(String) });
      expect(answer.StatusCode).toBeGreaterThanOrEqual(400);
      expect(answer.StatusCode).toBeLessThan(500);
    }
    await expect(db.query(`SELECT status, version FROM game_session WHERE process_id IS NOT NULL`)).resolves.toEqual(
      before,
    );
    expect(other.pushes.filter((p) => p.Action === 'CreateGameSession')).toHaveLength(0);

    // A binary frame is not a request; an oversize frame and a flood close the socket, with a code that is not 1000/1001.
    await attacker.sendFrame(Buffer.from([0xff, 0x00]), undefined, true);
    await eventually(async () => attacker.unmatched.length === 4, 2_000);
    const oversize = track(await readyServer([a.sdkUrl], 'bad-host', host.token, 7013));
    oversize.stopHeartbeats();
    const reconnects = oversize.connections;
    await oversize.sendFrame(
      JSON.stringify({ Action: 'HeartbeatServerProcess', RequestId: 'big', Junk: 'x'.repeat(70_000) }),
    );
    await eventually(async () => oversize.closedWith.length > 0, 3_000);
    expect(oversize.closedWith[0]).toBe(1009);
    await eventually(async () => oversize.connections > reconnects, 3_000);
    const flood = track(await readyServer([a.sdkUrl], 'bad-host', host.token, 7014));
    flood.stopHeartbeats();
    for (let i = 0; i < 300; i++)
      void flood.sendFrame(
        JSON.stringify({ Action: 'HeartbeatServerProcess', RequestId: `f-${i}`, HealthStatus: true }),
      );
    await eventually(async () => flood.closedWith.length > 0, 3_000);
    expect(flood.closedWith[0]).toBe(1008);

    // Both instances still serve, and the victim still owns its session.
    for (const instance of [a, b])
      await expect(http(instance.service.url, 'GET', '/health')).resolves.toMatchObject({ status: 200 });
    await expect(target.activateGameSession(id)).resolves.toMatchObject({ StatusCode: 200 });
  });

  it('places a RallyHere session of a game-server template, and shows members where to connect', async () => {
    const host = await registerHost(viaB, 'rh-host', { IpAddress: '10.20.30.40' });
    const server = track(await readyServer([a.sdkUrl], 'rh-host', host.token, 7777));
    const player = await loginPlayer(b.service.url, 'rh-player-1');
    const joined = await http(b.service.url, 'POST', '/session/v1/session', {
      token: player.access_token,
      body: {
        session_type: 'match',
        client_version: '1.0.0',
        client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
      },
    });
    expect(joined.status).toBe(200);
    const push = await server.waitForPush('CreateGameSession');
    expect(push).toMatchObject({
      IpAddress: '10.20.30.40',
      Port: 7777,
      GameSessionData: JSON.stringify({ map: 'dust', mode: 'ctf', misc_params: '' }),
    });
    const pending = await http(a.service.url, 'GET', `/session/v1/session/${joined.body.session_id}`, {
      token: player.access_token,
    });
    expect(pending.body.instance).toMatchObject({ join_status: 'pending', host_dedicated_process_id: server.pid });
    await server.activateGameSession(push.GameSessionId as string);
    const view = await http(a.service.url, 'GET', `/session/v1/session/${joined.body.session_id}`, {
      token: player.access_token,
    });
    expectRallyHereSchema('session', 'Session', view.body);
    expect(view.body.instance).toEqual({
      instance_id: expect.any(String),
      // The allocation id of a game-server process's instance is its GameSessionId.
      allocation_id: push.GameSessionId,
      host_type: 'dedicated',
      host_dedicated_process_id: server.pid,
      host_dedicated_server_id: 'rh-host',
      join_status: 'joinable',
      join_params: { public_conn_str: '10.20.30.40:7777', private_conn_str: '10.20.30.40:7777', custom_data: {} },
      instance_health: 'healthy',
      created: expect.any(String),
      custom_data: {},
    });
    // Non-members get the limited view: not how to connect, nor who hosts it.
    const stranger = await loginPlayer(b.service.url, 'rh-stranger');
    const seen = await http(a.service.url, 'GET', `/session/v1/session/${joined.body.session_id}`, {
      token: stranger.access_token,
    });
    expect(seen.status).toBe(200);
    expectRallyHereSchema('session', 'Session', seen.body);
    expect(seen.body.instance).toEqual({
      instance_id: view.body.instance.instance_id,
      host_type: 'dedicated',
      join_status: 'joinable',
      instance_health: 'healthy',
      created: view.body.instance.created,
    });
    // The game server finds its RallyHere session by the GameSessionId OnStartGameSession gave it (unencoded, as the
    // Unreal SDK sends path values), and updates the instance naming that allocation.
    const operator = (await loginAdmin(b.service.url)).access_token;
    const found = await http(b.service.url, 'GET', `/session/v1/session/allocation/${push.GameSessionId as string}`, {
      token: operator,
    });
    expect(found.status).toBe(200);
    expectRallyHereSchema('session', 'Session', found.body);
    expect(found.body.session_id).toBe(joined.body.session_id);
    const updated = await http(a.service.url, 'PATCH', `/session/v1/session/${joined.body.session_id}/instance`, {
      token: operator,
      body: { allocation_id: push.GameSessionId, version: '2.0.0', custom_data: { map: 'dust' } },
    });
    expect(updated.status).toBe(200);
    expectRallyHereSchema('session', 'InstanceInfo', updated.body);
    expect(updated.body).toMatchObject({ version: '2.0.0', custom_data: { map: 'dust' }, join_status: 'joinable' });
    // The last player leaving closes the session: the process is told to end.
    await http(
      b.service.url,
      'DELETE',
      `/session/v1/session/${joined.body.session_id}/player/${player.active_player_uuid}`,
      { token: player.access_token },
    );
    await expect(server.waitForPush('TerminateProcess')).resolves.toMatchObject({ StatusCode: 200 });
  });

  it('keeps fleets without processes ledger-only (no placement, no capacity error)', async () => {
    await expect(
      outcome(viaA.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 }))),
    ).resolves.toBe('ok');
  });
});
