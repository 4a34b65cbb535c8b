import { CreatePlayerSessionCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { ledgerViolations } from '../../bench/lib/invariants.js';
import { gameLiftClient } from '../clients/gamelift.js';
import { newGameSession, uuidOf } from '../gamelift/gamelift-helpers.js';
import { ServiceProcess } from '../utils/service-process.js';
import { TestDatabase } from '../utils/database.js';
import { http, loginPlayer } from '../utils/http.js';

const BODY = {
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  session_type: 'hub',
};

/**
 * Two real service processes share one database; one is killed with
 * SIGKILL in the middle of the load. The other goes on answering, the
 * reservations made through the dead one time out on the survivor's
 * sweeper, and the ledger's invariants hold.
 */
describe('An instance killed with SIGKILL under load (e2e)', () => {
  let db: TestDatabase;
  let doomed: ServiceProcess;
  let survivor: ServiceProcess;
  let gamelift: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    const env = {
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '8',
      RESERVATION_TIMEOUT_SECONDS: '1',
      RESERVATION_SWEEP_INTERVAL_MS: '200',
    };
    [doomed, survivor] = await Promise.all([ServiceProcess.start(env), ServiceProcess.start(env)]);
    gamelift = gameLiftClient(doomed.url);
  });

  afterAll(async () => {
    gamelift?.destroy();
    await Promise.all([doomed?.stop(), survivor?.stop()]);
    await db?.drop();
  });

  it('leaves the other instance serving, and the dead one’s reservations time out', async () => {
    // Reservations the game server never accepts, made through the instance about to die.
    const gameSession = await newGameSession(gamelift, doomed.url, { MaximumPlayerSessionCount: 10 });
    for (const player of ['r-1', 'r-2', 'r-3']) {
      await gamelift.send(new CreatePlayerSessionCommand({ GameSessionId: gameSession, PlayerId: player }));
    }

    const players = await Promise.all(Array.from({ length: 240 }, (_, i) => loginPlayer(survivor.url, `k-${i}`)));
    const answers: { player: string; target: 'doomed' | 'survivor'; status: number | 'network'; session?: string }[] =
      [];
    let next = 0;
    let killed = false;
    const loop = async (worker: number) => {
      while (next < players.length) {
        const player = players[next++];
        const target = worker % 2 === 0 ? 'doomed' : 'survivor';
        const url = target === 'doomed' ? doomed.url : survivor.url;
        try {
          const result = await http(url, 'POST', '/session/v1/session', { token: player.access_token, body: BODY });
          answers.push({
            player: player.active_player_uuid,
            target,
            status: result.status,
            session: result.body?.session_id,
          });
        } catch {
          answers.push({ player: player.active_player_uuid, target, status: 'network' });
        }
        if (killed && target === 'doomed') await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, i) => loop(i)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    doomed.child.kill('SIGKILL');
    killed = true;
    await expect(doomed.exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    await load;

    // The survivor answered every request it was sent; the dead one only refused connections.
    const survivorAnswers = answers.filter((a) => a.target === 'survivor');
    expect(survivorAnswers.length).toBeGreaterThan(50);
    expect(survivorAnswers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.target === 'doomed' && a.status !== 200 && a.status !== 'network')).toEqual([]);
    expect(answers.some((a) => a.status === 'network')).toBe(true);

    // Players whose request died with the instance ask the survivor: one seat each, the one they were told.
    const answered = new Map<string, string>();
    for (const a of answers) if (a.status === 200) answered.set(a.player, a.session!);
    for (const player of players) {
      const again = await http(survivor.url, 'POST', '/session/v1/session', { token: player.access_token, body: BODY });
      expect(again.status).toBe(200);
      const before = answered.get(player.active_player_uuid);
      if (before) expect(again.body.session_id).toBe(before);
      answered.set(player.active_player_uuid, again.body.session_id);
    }
    const seats = await db.query(
      `SELECT s.player_id, s.session_id::text AS session_id FROM seat s JOIN game_session g ON g.id = s.session_id
        WHERE g.type = 'hub' AND s.status = 'ACTIVE'`,
    );
    expect(new Map(seats.map((s) => [s.player_id, s.session_id]))).toEqual(answered);

    // The dead instance's unconfirmed reservations time out on the survivor's sweeper.
    const deadline = Date.now() + 10_000;
    let reservations: { status: string }[] = [];
    while (Date.now() < deadline) {
      reservations = await db.query(`SELECT status FROM seat WHERE session_id = $1`, [uuidOf(gameSession)]);
      if (reservations.every((r) => r.status === 'TIMEDOUT')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reservations.map((r) => r.status)).toEqual(['TIMEDOUT', 'TIMEDOUT', 'TIMEDOUT']);
    await expect(ledgerViolations((sql, params) => db.query(sql, params))).resolves.toEqual({});
  });
});
