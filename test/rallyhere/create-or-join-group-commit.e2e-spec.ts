/*
 * Group commit of create-or-join (src/session/group-commit.ts, joinery_create_or_join_batch): concurrent
 * create-or-joins of one type and region on an instance are seated by one SQL call each batch. These specs fire
 * bursts at two instances and check what batching must not change: one seat per player, exact packing per
 * crossplay profile, every answer naming the seat the player holds, one failing player failing alone.
 */
import { createOrJoin } from '../utils/sessions.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { joinBatches } from '../utils/join-batches.js';
import { loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

const SEATS = 8; // the shipped `hub` template: one team of eight, auto-join

interface Kind {
  platform: string;
  input: string;
  permitted_platform: string;
}
const ANY: Kind = { platform: 'Steam', input: 'keyboardandmouse', permitted_platform: 'desired_platforms_any' };
const XBOX_ONLY: Kind = { platform: 'XboxLive', input: 'gamepad', permitted_platform: 'desired_platforms_xboxlike' };

function join(baseUrl: string, token: string, region: string, kind: Kind = ANY) {
  return createOrJoin(baseUrl, token, 'hub', {
    region_id: region,
    client_settings: { platform: kind.platform, input: kind.input },
    crossplay_preferences: { permitted_platform: kind.permitted_platform, permitted_input: 'desired_inputs_any' },
  });
}

describe('Create-or-join group commit (e2e)', () => {
  let db: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let device = 0;

  beforeAll(async () => {
    db = await TestDatabase.create();
    // Anonymous logins are the only ones there are; the development setting takes their stated platforms.
    [first, second] = await Promise.all(
      [1, 2].map(() => TestApp.start(db, { CROSSPLAY_TRUST_CLIENT_PLATFORM: 'true', DATABASE_POOL_SIZE: '12' })),
    );
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await db?.drop();
  });

  const login = (count: number) =>
    Promise.all(Array.from({ length: count }, () => loginPlayer(first.baseUrl, `group-commit-${device++}`)));

  /** Active sessions of a region with their member count and the platforms allowed by their members. */
  const sessionsOf = (region: string) =>
    db.query<{ id: string; players: number; prefs: string[] }>(
      `SELECT g.id, g.player_count AS players, array_agg(s.permitted_platform) AS prefs
         FROM game_session g JOIN seat s ON s.session_id = g.id AND s.status = 'ACTIVE'
        WHERE g.type = 'hub' AND g.region_id = $1 AND g.status = 'ACTIVE' GROUP BY g.id`,
      [region],
    );

  it('packs 200 players arriving at once on two instances, 20 of them asking twice: one seat each, in batches', async () => {
    const players = await login(200);
    const before = await Promise.all([first, second].map((s) => joinBatches(s.baseUrl, 'create_or_join')));
    // Player i asks on instance i % 2; the first 20 ask a second time, on the other instance.
    const asks = [
      ...players.map((p, i) => ({ p, at: i % 2 === 0 ? first : second })),
      ...players.slice(0, 20).map((p, i) => ({ p, at: i % 2 === 0 ? second : first })),
    ];
    const responses = await Promise.all(asks.map(({ p, at }) => join(at.baseUrl, p.access_token, 'burst')));
    expect(responses.map((r) => r.status)).toEqual(asks.map(() => 200));

    const sessions = await sessionsOf('burst');
    expect(sessions).toHaveLength(Math.ceil(200 / SEATS));
    expect(sessions.filter((s) => s.players < SEATS).length).toBeLessThanOrEqual(1);
    const seats = await db.query(
      `SELECT s.player_id, s.session_id FROM seat s JOIN game_session g ON g.id = s.session_id
        WHERE g.region_id = 'burst' AND s.status = 'ACTIVE'`,
    );
    expect(seats).toHaveLength(200);
    const sitting = new Map(seats.map((s) => [s.player_id as string, s.session_id as string]));
    expect(new Set(sitting.keys())).toEqual(new Set(players.map((p) => p.active_player_uuid)));
    // Every answer, the second asks' too, names the session the player sits in.
    responses.forEach((r, i) => expect(r.body.session_id).toBe(sitting.get(asks[i].p.active_player_uuid)));
    await expectLedgerInvariants(db);

    // Batching happened: at least one SQL call seated more than one player.
    const after = await Promise.all([first, second].map((s) => joinBatches(s.baseUrl, 'create_or_join')));
    const ran = after.reduce((n, a, i) => n + a.count - before[i].count, 0);
    const single = after.reduce((n, a, i) => n + a.single - before[i].single, 0);
    expect(ran).toBeGreaterThan(0);
    expect(single).toBeLessThan(ran);
  });

  it('gives a player who asks 10 times at once on each instance, among 30 others, one seat', async () => {
    const [eager, ...others] = await login(31);
    const asks = [
      ...Array.from({ length: 20 }, (_, i) => ({ p: eager, at: i % 2 === 0 ? first : second })),
      ...others.map((p, i) => ({ p, at: i % 2 === 0 ? first : second })),
    ];
    const responses = await Promise.all(asks.map(({ p, at }) => join(at.baseUrl, p.access_token, 'eager')));
    expect(responses.map((r) => r.status)).toEqual(asks.map(() => 200));
    expect(new Set(responses.slice(0, 20).map((r) => r.body.session_id)).size).toBe(1);
    const seats = await db.query(`SELECT session_id FROM seat WHERE player_id = $1 AND status = 'ACTIVE'`, [
      eager.active_player_uuid,
    ]);
    expect(seats).toEqual([{ session_id: responses[0].body.session_id }]);
    const sessions = await sessionsOf('eager');
    expect(sessions.map((s) => s.players).sort((a, b) => b - a)).toEqual([8, 8, 8, 7]);
    await expectLedgerInvariants(db);
  });

  it('seats crossplay-incompatible players arriving with compatible ones in sessions of their own, packed per profile', async () => {
    const players = await login(34);
    // Two xbox-only players among 32 Steam players; nobody of one kind may sit with the other.
    const kinds = players.map((_, i) => (i === 5 || i === 20 ? XBOX_ONLY : ANY));
    const responses = await Promise.all(
      players.map((p, i) => join(i % 2 === 0 ? first.baseUrl : second.baseUrl, p.access_token, 'crossplay', kinds[i])),
    );
    expect(responses.map((r) => r.status)).toEqual(players.map(() => 200));
    const sessions = await sessionsOf('crossplay');
    const xbox = sessions.filter((s) => s.prefs.includes('desired_platforms_xboxlike'));
    expect(xbox).toHaveLength(1);
    expect(xbox[0].prefs).toEqual(['desired_platforms_xboxlike', 'desired_platforms_xboxlike']);
    const steam = sessions.filter((s) => !s.prefs.includes('desired_platforms_xboxlike'));
    expect(steam.map((s) => s.players)).toEqual([8, 8, 8, 8]);
    expect(responses[5].body.session_id).toBe(xbox[0].id);
    expect(responses[20].body.session_id).toBe(xbox[0].id);
    await expectLedgerInvariants(db);
  });

  it('fails a failing player alone: the others of the burst are seated and packed, a transient failure is retried', async () => {
    const players = await login(42);
    const broken = players[20].active_player_uuid;
    const flaky = players[21].active_player_uuid;
    // Faults injected in the database: one player's seat never goes in; another's fails once as a deadlock would.
    await db.query(`CREATE SEQUENCE gc_flaky`);
    await db.query(`CREATE FUNCTION gc_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.player_id = '${broken}' THEN
          RAISE EXCEPTION 'injected fault' USING ERRCODE = '23514';
        END IF;
        IF NEW.player_id = '${flaky}' AND nextval('gc_flaky') = 1 THEN
          RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER gc_fault BEFORE INSERT ON seat FOR EACH ROW EXECUTE FUNCTION gc_fault()`);
    try {
      const responses = await Promise.all(
        players.map((p, i) => join(i % 2 === 0 ? first.baseUrl : second.baseUrl, p.access_token, 'faults')),
      );
      expect(responses[20].status).toBe(500);
      expect(responses[20].body).toMatchObject({ error_code: 'internal_error' });
      const others = responses.filter((_, i) => i !== 20);
      expect(others.map((r) => r.status)).toEqual(others.map(() => 200));
      const [{ calls }] = await db.query(`SELECT last_value::int AS calls FROM gc_flaky`);
      expect(calls).toBeGreaterThanOrEqual(2);
    } finally {
      await db.query(`DROP TRIGGER gc_fault ON seat`);
      await db.query(`DROP FUNCTION gc_fault()`);
      await db.query(`DROP SEQUENCE gc_flaky`);
    }
    const seats = await db.query(
      `SELECT s.player_id FROM seat s JOIN game_session g ON g.id = s.session_id
        WHERE g.region_id = 'faults' AND s.status = 'ACTIVE'`,
    );
    expect(seats).toHaveLength(41);
    expect(seats.map((s) => s.player_id)).not.toContain(broken);
    expect(seats.map((s) => s.player_id)).toContain(flaky);
    const sessions = await sessionsOf('faults');
    expect(sessions.map((s) => s.players).sort((a, b) => b - a)).toEqual([8, 8, 8, 8, 8, 1]);
    await expectLedgerInvariants(db);
  });
});
