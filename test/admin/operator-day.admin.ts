import { CreatePlayerSessionCommand, DescribeGameSessionsCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { type Credentials, gameLiftClient, signedCall } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { createOrJoin } from '../utils/sessions.js';
import { ADMIN_CLIENT, basic, http, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/**
 * An operator's day, through HTTP only: the bootstrap admin sets up a game
 * type and keys, players and servers use them, the admin finds and fixes
 * things, rotates a key, and the audit log tells the story in order.
 */
describe("An operator's day (admin integration)", () => {
  let db: TestDatabase;
  let service: TestApp;
  const clients: GameLiftClient[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await service?.close();
    await db?.drop();
  });

  const gamelift = (credentials: Credentials) => {
    const client = gameLiftClient(service.baseUrl, credentials);
    clients.push(client);
    return client;
  };

  it('sets up, runs, fixes and audits a game', async () => {
    // 1. The bootstrap admin logs in.
    const login = await http(service.baseUrl, 'POST', '/users/v1/login', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret) },
    });
    expect(login.status).toBe(200);
    const admin = login.body.access_token as string;
    const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      http(service.baseUrl, method, path, { token: admin, body, headers });
    const steps: string[] = [];

    // 2. It creates a session type: two teams of three, auto-join.
    const template = await api('POST', '/admin/v1/templates', {
      session_type: 'skirmish',
      attempt_auto_join: true,
      can_be_created_by_players_directly: true,
      default_public: true,
      num_teams: 2,
      players_per_team: 3,
    });
    expect(template.status).toBe(201);
    steps.push('POST /admin/v1/templates');

    // 3. Players create-or-join sessions of it: four players, one session.
    const players = await Promise.all([0, 1, 2, 3].map((i) => loginPlayer(service.baseUrl, `operator-day-${i}`)));
    const joined = [];
    for (const p of players) joined.push(await createOrJoin(service.baseUrl, p.access_token, 'skirmish'));
    expect(joined.map((j) => j.status)).toEqual([200, 200, 200, 200]);
    const session = joined[0].body.session_id as string;
    expect(new Set(joined.map((j) => j.body.session_id))).toEqual(new Set([session]));

    // 4. The admin creates a game-backend key and a game-server key.
    const backendKey = await api('POST', '/admin/v1/access-keys', { role: 'game-client', description: 'matchmaker' });
    const serverKey = await api('POST', '/admin/v1/access-keys', { role: 'game-server', description: 'eu-1 fleet' });
    expect([backendKey.status, serverKey.status]).toEqual([201, 201]);
    steps.push('POST /admin/v1/access-keys', 'POST /admin/v1/access-keys');
    const backend = { accessKeyId: backendKey.body.access_key_id, secretAccessKey: backendKey.body.secret_access_key };
    const server = { accessKeyId: serverKey.body.access_key_id, secretAccessKey: serverKey.body.secret_access_key };

    // The backend reserves seats for two late joiners in that session; the game server accepts one.
    const arn = (await gamelift(backend).send(new DescribeGameSessionsCommand({ GameSessionId: session })))
      .GameSessions![0].GameSessionId!;
    expect(arn).toContain(session);
    const reserved = [];
    for (const playerId of ['late-joiner-1', 'late-joiner-2']) {
      reserved.push(
        (await gamelift(backend).send(new CreatePlayerSessionCommand({ GameSessionId: arn, PlayerId: playerId })))
          .PlayerSession!,
      );
    }
    expect(reserved.map((r) => r.Status)).toEqual(['RESERVED', 'RESERVED']);
    const byBackend = await signedCall(
      service.baseUrl,
      'AcceptPlayerSession',
      { GameSessionId: arn, PlayerSessionId: reserved[0].PlayerSessionId },
      { credentials: backend },
    );
    expect(byBackend.body.__type).toBe('AccessDeniedException');
    const accepted = await signedCall(
      service.baseUrl,
      'AcceptPlayerSession',
      { GameSessionId: arn, PlayerSessionId: reserved[0].PlayerSessionId },
      { credentials: server },
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.PlayerSession.Status).toBe('ACTIVE');

    // 5. A player reports a problem: the admin finds their session by player id...
    const found = await api('GET', `/admin/v1/sessions?player_id=${players[2].active_player_uuid}`);
    expect(found.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([session]);
    const detail = await api('GET', `/admin/v1/sessions/${session}`);
    expect(detail.body.player_count).toBe(6);
    expect(detail.body.seats.map((s: { status: string }) => s.status).sort()).toEqual([
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
      'RESERVED',
    ]);
    // ...kicks the troublemaker, and releases the stuck reservation...
    expect((await api('DELETE', `/admin/v1/sessions/${session}/players/${players[3].active_player_uuid}`)).status).toBe(
      204,
    );
    steps.push('DELETE /admin/v1/sessions/:session_id/players/:player_id');
    const stuck = reserved[1].PlayerSessionId!;
    const release = await api('POST', `/admin/v1/seats/${stuck}:release`);
    expect(release.body.status).toBe('TIMEDOUT');
    steps.push('POST /admin/v1/seats/:seat_id:release');
    // ...then terminates the session at the end of the event: every seat completes.
    const terminated = await api('POST', `/admin/v1/sessions/${session}:terminate`);
    expect(terminated.body.status).toBe('TERMINATED');
    steps.push('POST /admin/v1/sessions/:session_id:terminate');
    const gone = await gamelift(backend).send(new DescribeGameSessionsCommand({ GameSessionId: arn }));
    expect(gone.GameSessions![0].Status).toBe('TERMINATED');
    expect(
      (await http(service.baseUrl, 'GET', `/session/v1/session/${session}`, { token: players[0].access_token })).status,
    ).toBe(404);
    await expectLedgerInvariants(db);

    // 6. The server key leaked: the admin rotates it. The old secret stops working, the new one works.
    const rotated = await api('POST', `/admin/v1/access-keys/${server.accessKeyId}:rotate`);
    expect(rotated.status).toBe(200);
    steps.push('POST /admin/v1/access-keys/:access_key_id:rotate');
    const oldSecret = await signedCall(
      service.baseUrl,
      'DescribeGameSessions',
      { FleetId: 'fleet-joinery' },
      { credentials: server },
    );
    expect(oldSecret.status).toBe(400);
    expect(oldSecret.body.__type).toBe('InvalidSignatureException');
    const newSecret = await signedCall(
      service.baseUrl,
      'DescribeGameSessions',
      { FleetId: 'fleet-joinery' },
      {
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: rotated.body.secret_access_key },
      },
    );
    expect(newSecret.status).toBe(200);

    // A player who tries an admin route is refused, and that is audited too.
    const refused = await http(service.baseUrl, 'POST', '/admin/v1/templates', {
      token: players[0].access_token,
      body: {},
    });
    expect(refused.status).toBe(403);
    steps.push('POST /admin/v1/templates');

    // 7. The audit log shows each step, in order, with who did it.
    const audit = await api('GET', '/admin/v1/audit?limit=100');
    expect(audit.status).toBe(200);
    const entries = audit.body.entries as {
      action: string;
      actor_id?: string;
      actor_kind: string;
      outcome: string;
      target: Record<string, string>;
    }[];
    expect(entries.map((e) => e.action)).toEqual(steps);
    expect(
      entries.slice(0, -1).every((e) => e.actor_id === `client:${ADMIN_CLIENT.clientId}` && e.outcome === 'success'),
    ).toBe(true);
    expect(entries[0].target).toEqual({ session_type: 'skirmish' });
    expect(entries[3].target).toEqual({ session_id: session, player_id: players[3].active_player_uuid });
    expect(entries[entries.length - 1]).toMatchObject({
      actor_kind: 'player',
      actor_id: players[0].active_player_uuid,
      outcome: 'refused',
    });
  });
});
