/*
 * One test (or more) per SQL function of src/session/sql/*.sql, called directly in SQL against a real database
 * (no application): each function's outcomes and what it does to the rows. After every test the ledger's
 * invariants are checked (counts in game_session and session_team equal the occupied seat rows, nobody over
 * capacity, nobody seated twice). The last test lists every joinery_* function in pg_proc and fails naming any
 * that COVERED (and so this file) does not test.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  aggregate,
  ALL_FAMILIES,
  ALL_INPUTS,
  canJoin,
  compatible,
  CROSSPLAY_INPUTS,
  CROSSPLAY_PLATFORMS,
  type CrossplayProfile,
  DEFAULT_FAMILIES,
  EMPTY_SESSION,
  FAMILY_BITS,
  INPUT_BITS,
  INPUTS,
  type Platform,
  type PlatformFamilies,
  profileOf,
  type SessionCrossplay,
} from '../../src/crossplay/crossplay.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { TestDatabase } from '../utils/database.js';

/** Every function this file tests directly; the completeness test compares it with pg_proc. */
const COVERED = [
  // predicates.sql
  'joinery_seat_occupies',
  'joinery_seat_overdue',
  'joinery_seat_holds',
  'joinery_seat_is_member',
  'joinery_is_member',
  'joinery_is_leader',
  'joinery_may_lead',
  'joinery_session_open',
  'joinery_session_auto_joinable',
  'joinery_held_seats',
  'joinery_free_seats',
  'joinery_password_locked',
  // crossplay.sql
  'joinery_cp_all_families',
  'joinery_cp_all_inputs',
  'joinery_cp_can_join',
  'joinery_cp_unrestricted',
  'joinery_refresh_crossplay',
  // seats.sql
  'joinery_add_player',
  'joinery_release_locked',
  'joinery_end_session_locked',
  'joinery_release_seat',
  'joinery_release_seat_by_operator',
  'joinery_accept_seat',
  'joinery_reserve_seats',
  'joinery_reserve_seats_batch',
  'joinery_join_session',
  // reservations.sql
  'joinery_expire_session_reservations',
  'joinery_sweep_reservations',
  // sessions.sql
  'joinery_create_or_join',
  'joinery_create_or_join_batch',
  'joinery_create_game_session',
  'joinery_update_session',
  'joinery_update_game_session',
  'joinery_activate_session',
  'joinery_terminate_session',
  'joinery_close_session',
  // members.sql
  'joinery_invite',
  'joinery_promote',
  'joinery_remove_player',
  'joinery_update_player',
  // issue 11: sessions.sql, reservations.sql (culling), events.sql
  'joinery_insert_rallyhere_session',
  'joinery_create_session',
  'joinery_keep_min_sessions',
  'joinery_resize_teams',
  'joinery_set_browser',
  'joinery_player_seen',
  'joinery_seat_unseen',
  'joinery_cull_players',
  'joinery_emit',
  'joinery_defer_events',
  'joinery_flush_events',
  'joinery_events_for',
  'joinery_prune_events',
  // game-servers.sql
  'joinery_sdk_push',
  'joinery_push_session_update',
  'joinery_process_idle',
  'joinery_process_connect',
  'joinery_process_disconnect',
  'joinery_process_ready',
  'joinery_process_heartbeat',
  'joinery_lock_idle_process',
  'joinery_bind_process',
  'joinery_place_game_session',
  'joinery_place_session',
  'joinery_process_activate_session',
  'joinery_process_end',
  'joinery_sweep_processes',
  'joinery_deregister_compute',
  // instances.sql
  'joinery_instance_gone',
  'joinery_instance_health',
  'joinery_instance_host',
  'joinery_register_instance',
  'joinery_update_instance',
  'joinery_end_instance',
  'joinery_instance_health_check',
  'joinery_sweep_instances',
];

let db: TestDatabase;
/** The functions the tests below called by name (fixtures use db.query and are not counted). */
const called = new Set<string>();

/** A statement of a test: the functions it names are recorded as tested. */
async function run<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  for (const [name] of text.matchAll(/\bjoinery_[a-z_]+(?=\s*\()/g)) called.add(name);
  return (await db.query(text, params)) as T[];
}

/** The single value of a statement `SELECT <expr> AS v`. */
async function value<T = any>(expr: string, params: unknown[] = []): Promise<T> {
  const [row] = await run<{ v: T }>(`SELECT ${expr} AS v`, params);
  return row.v;
}

// Fixtures --------------------------------------------------------------------------------------------------

interface SessionOptions {
  type?: string;
  teams?: number;
  teamSize?: number;
  status?: string;
  public?: boolean;
  policy?: string;
  keepAlive?: boolean;
  password?: string | null;
  region?: string | null;
}

/** A session row and its teams, written directly (as a template-less fixture). */
async function newSession(o: SessionOptions = {}): Promise<string> {
  const teams = o.teams ?? 1;
  const size = o.teamSize ?? 4;
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO game_session (type, status, public, creation_policy, region_id, fleet_id, location, max_players,
                               keep_alive_on_empty, password_digest, created_via, cp_families_all,
                               cp_required_families, cp_inputs_any, cp_inputs_allowed)
     VALUES ($1, $2, $3, $4, $5, 'fleet-sql', 'local', $6, $7, $8, 'admin', $9, 0, 0, $10) RETURNING id`,
    [
      o.type ?? 'sql-test',
      o.status ?? 'ACTIVE',
      o.public ?? true,
      o.policy ?? 'ACCEPT_ALL',
      o.region ?? null,
      teams * size,
      o.keepAlive ?? false,
      o.password ?? null,
      ALL_FAMILIES,
      ALL_INPUTS,
    ],
  );
  await db.query(
    `INSERT INTO session_team (session_id, team_id, max_size) SELECT $1, n, $2 FROM generate_series(0, $3 - 1) AS n`,
    [id, size, teams],
  );
  return id;
}

/** A joining player as the functions take it (`p_player`). */
function playerJson(playerId: string, profile?: CrossplayProfile, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    player_id: playerId,
    ...(profile && {
      cp_family: profile.family,
      cp_input: profile.input,
      cp_required: profile.requiredFamilies,
      cp_allowed: profile.allowedInputs,
    }),
    ...extra,
  });
}

interface SeatOptions {
  team?: number | null;
  status?: 'ACTIVE' | 'RESERVED';
  role?: 'member' | 'leader' | 'invited';
  reserveSeconds?: number | null;
  inviter?: string | null;
  profile?: CrossplayProfile;
  extra?: Record<string, unknown>;
}

const ADD_PLAYER = `SELECT * FROM joinery_add_player(p_session => $1, p_team => $2, p_status => $3, p_role => $4,
  p_reserved_until => now() + make_interval(secs => $5::int), p_inviting_player_id => $6, p_player => $7)`;

function addParams(session: string, playerId: string, o: SeatOptions): unknown[] {
  const status = o.status ?? (o.role === 'invited' ? 'RESERVED' : 'ACTIVE');
  const seconds = o.reserveSeconds !== undefined ? o.reserveSeconds : status === 'RESERVED' ? 300 : null;
  return [
    session,
    o.team ?? null,
    status,
    o.role ?? 'member',
    seconds,
    o.inviter ?? null,
    playerJson(playerId, o.profile, o.extra),
  ];
}

/** Seats a player through joinery_add_player (as a fixture); returns the seat id. */
async function seat(session: string, playerId: string, o: SeatOptions = {}): Promise<string> {
  const [row] = await db.query(ADD_PLAYER, addParams(session, playerId, o));
  if (row.outcome !== 'joined') throw new Error(`fixture seat for ${playerId}: ${row.outcome}`);
  return row.seat_id as string;
}

/** Moves a reservation's deadline into the past (the clock, without sleeping). */
async function makeOverdue(seatId: string): Promise<void> {
  await db.query(`UPDATE seat SET reserved_until = now() - interval '1 second' WHERE id = $1`, [seatId]);
}

async function seatRow(seatId: string): Promise<any> {
  const [row] = await db.query(`SELECT * FROM seat WHERE id = $1`, [seatId]);
  return row;
}

/** The player's occupied seat in a session, if any. */
async function occupiedSeat(session: string, playerId: string): Promise<any> {
  const [row] = await db.query(
    `SELECT * FROM seat WHERE session_id = $1 AND player_id = $2 AND status IN ('RESERVED', 'ACTIVE')`,
    [session, playerId],
  );
  return row;
}

async function sessionRow(session: string): Promise<any> {
  const [row] = await db.query(`SELECT * FROM game_session WHERE id = $1`, [session]);
  return row;
}

async function teamCounts(session: string): Promise<number[]> {
  const rows = await db.query<{ player_count: number }>(
    `SELECT player_count FROM session_team WHERE session_id = $1 ORDER BY team_id`,
    [session],
  );
  return rows.map((r) => r.player_count);
}

async function seatCount(session: string): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM seat WHERE session_id = $1`, [session]);
  return n;
}

/** A known player (a row of `player`), as invitations need. */
async function knownPlayer(): Promise<string> {
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO player (platform, portal_user_id, display_name) VALUES ('Anon', $1, 'sql test') RETURNING id`,
    [randomBytes(8).toString('hex')],
  );
  return id;
}

function crossplayOf(row: any): SessionCrossplay {
  return {
    familiesAll: row.cp_families_all,
    requiredFamilies: row.cp_required_families,
    inputsAny: row.cp_inputs_any,
    inputsAllowed: row.cp_inputs_allowed,
  };
}

/** Seconds from now to a timestamp, measured by the database's clock. */
async function secondsUntil(at: Date): Promise<number> {
  const [{ s }] = await db.query<{ s: number }>(`SELECT extract(epoch FROM $1::timestamptz - now())::float8 AS s`, [
    at,
  ]);
  return s;
}

const XBOX: CrossplayProfile = profileOf({ platform: 'XboxLive', input: 'gamepad' });
const XBOX_ONLY: CrossplayProfile = profileOf({
  platform: 'XboxLive',
  input: 'gamepad',
  permittedPlatform: 'desired_platforms_xboxlike',
});
const PSN: CrossplayProfile = profileOf({ platform: 'PSN', input: 'gamepad' });
const STEAM: CrossplayProfile = profileOf({ platform: 'Steam', input: 'keyboardandmouse' });
const PAD_ONLY: CrossplayProfile = profileOf({
  platform: 'Steam',
  input: 'gamepad',
  permittedInput: 'desired_inputs_gamepad',
});

beforeAll(async () => {
  db = await TestDatabase.create();
});

afterAll(async () => {
  await db?.drop();
});

afterEach(async () => {
  await expectLedgerInvariants(db);
});

// predicates.sql ---------------------------------------------------------------------------------------------

describe('predicates', () => {
  it('joinery_seat_occupies: RESERVED and ACTIVE occupy a seat, COMPLETED and TIMEDOUT do not', async () => {
    const rows = await run<{ s: string; v: boolean }>(
      `SELECT s, joinery_seat_occupies(s) AS v FROM unnest(ARRAY['RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT']) s`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.s, r.v]))).toEqual({
      RESERVED: true,
      ACTIVE: true,
      COMPLETED: false,
      TIMEDOUT: false,
    });
  });

  it('joinery_seat_overdue and joinery_seat_holds: a reservation past its deadline is overdue and holds nothing', async () => {
    const [row] = await run(
      `SELECT joinery_seat_overdue('RESERVED', now() - interval '1 second') AS past,
              joinery_seat_overdue('RESERVED', now()) AS at_deadline,
              joinery_seat_overdue('RESERVED', now() + interval '1 minute') AS future,
              joinery_seat_overdue('RESERVED', NULL) AS no_deadline,
              joinery_seat_overdue('ACTIVE', now() - interval '1 second') AS active_past,
              joinery_seat_holds('RESERVED', now() - interval '1 second') AS holds_past,
              joinery_seat_holds('RESERVED', now() + interval '1 minute') AS holds_future,
              joinery_seat_holds('RESERVED', NULL) AS holds_no_deadline,
              joinery_seat_holds('ACTIVE', now() - interval '1 second') AS holds_active,
              joinery_seat_holds('COMPLETED', NULL) AS holds_completed,
              joinery_seat_holds('TIMEDOUT', now() + interval '1 minute') AS holds_timedout`,
    );
    expect(row).toEqual({
      past: true,
      at_deadline: true,
      future: false,
      no_deadline: false,
      active_past: false,
      holds_past: false,
      holds_future: true,
      holds_no_deadline: true,
      holds_active: true,
      holds_completed: false,
      holds_timedout: false,
    });
  });

  it('joinery_seat_is_member: leaders and members occupying a seat; never invitees or ended seats', async () => {
    const rows = await run<{ role: string; status: string; v: boolean }>(
      `SELECT r AS role, s AS status, joinery_seat_is_member(r, s) AS v
         FROM unnest(ARRAY['leader', 'member', 'invited', 'reserved']) r,
              unnest(ARRAY['RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT']) s`,
    );
    const members = rows.filter((r) => r.v).map((r) => `${r.role}/${r.status}`);
    expect(members.sort()).toEqual(['leader/ACTIVE', 'leader/RESERVED', 'member/ACTIVE', 'member/RESERVED']);
    expect(rows).toHaveLength(16);
  });

  it('joinery_is_member, joinery_is_leader, joinery_may_lead on a session of every kind of seat', async () => {
    const session = await newSession({ teamSize: 6, keepAlive: true });
    const [leader, member, reservedMember, invitee, left, outsider] = Array.from({ length: 6 }, () => randomUUID());
    await seat(session, leader);
    await seat(session, member);
    await seat(session, reservedMember, { status: 'RESERVED' });
    await seat(session, invitee, { role: 'invited', inviter: leader });
    const leftSeat = await seat(session, left);
    await db.query(`SELECT joinery_release_seat($1, 'COMPLETED')`, [leftSeat]);

    const rows = await run<{ p: string; member: boolean; leader: boolean; leads: boolean; privileged: boolean }>(
      `SELECT p, joinery_is_member($1, p) AS member, joinery_is_leader($1, p) AS leader,
              joinery_may_lead($1, p, false) AS leads, joinery_may_lead($1, p, true) AS privileged
         FROM unnest($2::text[]) p`,
      [session, [leader, member, reservedMember, invitee, left, outsider]],
    );
    expect(rows.map((r) => [r.member, r.leader, r.leads, r.privileged])).toEqual([
      [true, true, true, true],
      [true, false, false, true],
      [true, false, false, true],
      [false, false, false, true],
      [false, false, false, true],
      [false, false, false, true],
    ]);
    // No actor: only a privileged caller leads.
    await expect(value(`joinery_may_lead($1, NULL, false)`, [session])).resolves.toBe(false);
    await expect(value(`joinery_may_lead($1, NULL, true)`, [session])).resolves.toBe(true);
    // Another session: nobody of this one is a member or the leader there.
    const other = await newSession();
    await expect(value(`joinery_is_member($1, $2)`, [other, leader])).resolves.toBe(false);
    await expect(value(`joinery_is_leader($1, $2)`, [other, leader])).resolves.toBe(false);
  });

  it('joinery_session_open and joinery_session_auto_joinable', async () => {
    const [row] = await run(
      `SELECT joinery_session_open('ACTIVE', true, 'ACCEPT_ALL') AS open,
              joinery_session_open('ACTIVATING', true, 'ACCEPT_ALL') AS activating,
              joinery_session_open('TERMINATED', true, 'ACCEPT_ALL') AS terminated,
              joinery_session_open('ACTIVE', false, 'ACCEPT_ALL') AS private,
              joinery_session_open('ACTIVE', true, 'DENY_ALL') AS deny_all,
              joinery_session_auto_joinable('ACTIVE', true, 'ACCEPT_ALL', NULL, true) AS joinable,
              joinery_session_auto_joinable('ACTIVE', true, 'ACCEPT_ALL', 'digest', true) AS password,
              joinery_session_auto_joinable('ACTIVE', true, 'ACCEPT_ALL', NULL, false) AS no_room,
              joinery_session_auto_joinable('ACTIVE', false, 'ACCEPT_ALL', NULL, true) AS auto_private,
              joinery_session_auto_joinable('ACTIVE', true, 'DENY_ALL', NULL, true) AS auto_deny_all`,
    );
    expect(row).toEqual({
      open: true,
      activating: false,
      terminated: false,
      private: false,
      deny_all: false,
      joinable: true,
      password: false,
      no_room: false,
      auto_private: false,
      auto_deny_all: false,
    });
  });

  it('joinery_held_seats and joinery_free_seats count what reads show: no overdue reservation', async () => {
    const session = await newSession({ teamSize: 5 });
    await seat(session, randomUUID());
    await seat(session, randomUUID(), { status: 'RESERVED', reserveSeconds: 60 });
    const overdue = await seat(session, randomUUID(), { status: 'RESERVED' });
    await makeOverdue(overdue);
    const gone = await seat(session, randomUUID());
    await db.query(`SELECT joinery_release_seat($1, 'COMPLETED')`, [gone]);

    await expect(value(`joinery_held_seats($1)`, [session])).resolves.toBe(2);
    await expect(value(`joinery_free_seats($1, 5)`, [session])).resolves.toBe(3);
    // The ledger still counts the overdue reservation until it is timed out.
    expect((await sessionRow(session)).player_count).toBe(3);
    await expect(value(`joinery_held_seats($1)`, [randomUUID()])).resolves.toBe(0);
  });

  it('joinery_password_locked: 5 failures within the last 60 seconds', async () => {
    const [row] = await run(
      `SELECT joinery_password_locked(0, NULL) AS none,
              joinery_password_locked(4, now()) AS four,
              joinery_password_locked(5, now()) AS five,
              joinery_password_locked(9, now() - interval '59 seconds') AS recent,
              joinery_password_locked(5, now() - interval '61 seconds') AS old`,
    );
    expect(row).toEqual({ none: false, four: false, five: true, recent: true, old: false });
  });
});

// crossplay.sql ----------------------------------------------------------------------------------------------

/** A small deterministic PRNG so that the sampled sessions are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Every distinct profile: families 0..3 (Anon counted in both families), each input, each preference. */
function everyProfile(): CrossplayProfile[] {
  const both: PlatformFamilies = { xboxlike: ['XboxLive', 'Anon'], playstationlike: ['PSN', 'Anon'] };
  const platforms: Platform[] = ['XboxLive', 'PSN', 'Steam', 'Anon'];
  const seen = new Map<string, CrossplayProfile>();
  for (const platform of platforms)
    for (const input of INPUTS)
      for (const permittedPlatform of CROSSPLAY_PLATFORMS)
        for (const permittedInput of CROSSPLAY_INPUTS) {
          const profile = profileOf(
            { platform, input, permittedPlatform, permittedInput },
            platform === 'Anon' ? both : DEFAULT_FAMILIES,
          );
          seen.set(JSON.stringify(profile), profile);
        }
  return [...seen.values()];
}

describe('crossplay', () => {
  it('joinery_cp_all_families and joinery_cp_all_inputs equal ALL_FAMILIES and ALL_INPUTS', async () => {
    const [row] = await run(`SELECT joinery_cp_all_families() AS families, joinery_cp_all_inputs() AS inputs`);
    expect(row).toEqual({ families: ALL_FAMILIES, inputs: ALL_INPUTS });
    expect(ALL_FAMILIES).toBe(Object.values(FAMILY_BITS).reduce((a, b) => a | b, 0));
    expect(ALL_INPUTS).toBe(Object.values(INPUT_BITS).reduce((a, b) => a | b, 0));
  });

  it('joinery_cp_can_join agrees with compatible() against every member, and with canJoin()', async () => {
    const profiles = everyProfile();
    expect(profiles).toHaveLength(4 * 3 * 3 * 4);
    const random = prng(9);
    const pick = () => profiles[Math.floor(random() * profiles.length)];
    const sessions: CrossplayProfile[][] = [[], ...profiles.map((p) => [p])];
    for (let i = 0; i < 150; i++) sessions.push([pick(), pick()]);
    for (let i = 0; i < 60; i++) sessions.push([pick(), pick(), pick()]);
    const aggregates = sessions.map((members) => aggregate(members));

    const rows = await run<{ i: string; ok: boolean[] }>(
      `SELECT s.i, array_agg(joinery_cp_can_join(s.fa, s.rf, s.ia, s.al, p.f, p.n, p.r, p.a) ORDER BY p.j) AS ok
         FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) WITH ORDINALITY AS s(fa, rf, ia, al, i)
        CROSS JOIN unnest($5::int[], $6::int[], $7::int[], $8::int[]) WITH ORDINALITY AS p(f, n, r, a, j)
        GROUP BY s.i ORDER BY s.i`,
      [
        aggregates.map((s) => s.familiesAll),
        aggregates.map((s) => s.requiredFamilies),
        aggregates.map((s) => s.inputsAny),
        aggregates.map((s) => s.inputsAllowed),
        profiles.map((p) => p.family),
        profiles.map((p) => p.input),
        profiles.map((p) => p.requiredFamilies),
        profiles.map((p) => p.allowedInputs),
      ],
    );
    expect(rows).toHaveLength(sessions.length);
    const disagreements: string[] = [];
    let accepted = 0;
    rows.forEach((row, i) => {
      row.ok.forEach((ok, j) => {
        const expected = sessions[i].every((member) => compatible(profiles[j], member));
        if (ok) accepted++;
        if (ok !== expected || canJoin(aggregates[i], profiles[j]) !== expected)
          disagreements.push(`${JSON.stringify(profiles[j])} into ${JSON.stringify(sessions[i])}: sql ${ok}`);
      });
    });
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Both answers occur (the table is not trivially all-true or all-false).
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(sessions.length * profiles.length);

    // A seat without a profile (a backend's reservation) is not subject to crossplay, even in a locked-down session.
    const locked = aggregate([XBOX_ONLY, PAD_ONLY]);
    await expect(
      value(`joinery_cp_can_join($1, $2, $3, $4, NULL, NULL, NULL, NULL)`, [
        locked.familiesAll,
        locked.requiredFamilies,
        locked.inputsAny,
        locked.inputsAllowed,
      ]),
    ).resolves.toBe(true);
  });

  it('joinery_cp_unrestricted: only sessions whose members restrict neither platforms nor inputs', async () => {
    const profiles = everyProfile();
    const sessions: CrossplayProfile[][] = [[], [XBOX, PSN, STEAM], ...profiles.map((p) => [p, STEAM])];
    const aggregates = sessions.map((members) => aggregate(members));
    const rows = await run<{ v: boolean }>(
      `SELECT joinery_cp_unrestricted(rf, al) AS v FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS s(rf, al, i)
        ORDER BY i`,
      [aggregates.map((s) => s.requiredFamilies), aggregates.map((s) => s.inputsAllowed)],
    );
    const expected = sessions.map((members) =>
      members.every((m) => m.requiredFamilies === 0 && m.allowedInputs === ALL_INPUTS),
    );
    expect(rows.map((r) => r.v)).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(2);
    expect(expected.filter((e) => !e).length).toBeGreaterThan(2);
  });

  it('joinery_refresh_crossplay recomputes the aggregate from the occupied seats with a profile', async () => {
    const session = await newSession({ teamSize: 6 });
    await seat(session, randomUUID(), { profile: XBOX });
    await seat(session, randomUUID(), { profile: PAD_ONLY });
    await seat(session, randomUUID()); // no profile: not counted
    const gone = await seat(session, randomUUID(), { profile: XBOX_ONLY });
    // Each join folded its profile in: the aggregate of all three profiles so far.
    expect(crossplayOf(await sessionRow(session))).toEqual(aggregate([XBOX, PAD_ONLY, XBOX_ONLY]));
    // Ended without going through the ledger, and the aggregate scrambled: refresh recomputes both away.
    await db.query(`UPDATE seat SET status = 'COMPLETED' WHERE id = $1`, [gone]);
    await db.query(`UPDATE session_team SET player_count = player_count - 1 WHERE session_id = $1`, [session]);
    await db.query(
      `UPDATE game_session SET player_count = player_count - 1, cp_families_all = 0, cp_required_families = 3,
                               cp_inputs_any = 7, cp_inputs_allowed = 0 WHERE id = $1`,
      [session],
    );
    await run(`SELECT joinery_refresh_crossplay($1)`, [session]);
    expect(crossplayOf(await sessionRow(session))).toEqual(aggregate([XBOX, PAD_ONLY]));

    const empty = await newSession();
    await db.query(`UPDATE game_session SET cp_families_all = 0, cp_inputs_allowed = 1 WHERE id = $1`, [empty]);
    await run(`SELECT joinery_refresh_crossplay($1)`, [empty]);
    expect(crossplayOf(await sessionRow(empty))).toEqual(EMPTY_SESSION);
  });
});

// seats.sql --------------------------------------------------------------------------------------------------

describe('joinery_add_player', () => {
  const add = async (session: string, playerId: string, o: SeatOptions = {}) =>
    (await run(ADD_PLAYER, addParams(session, playerId, o)))[0];

  it('seats the first member as leader, in the team with the most room; the others as members', async () => {
    const session = await newSession({ teams: 3, teamSize: 3 });
    const first = await add(session, 'p-first');
    expect(first).toMatchObject({ outcome: 'joined', session_id: session, team_id: 0, seat_role: 'leader' });
    await add(session, 'p-team0', { team: 0 });
    // Team 0 has 1 seat left, teams 1 and 2 have 3: the lowest of those with the most room.
    const third = await add(session, 'p-third');
    expect(third).toMatchObject({ outcome: 'joined', team_id: 1, seat_role: 'member' });
    const fourth = await add(session, 'p-fourth');
    expect(fourth).toMatchObject({ outcome: 'joined', team_id: 2, seat_role: 'member' });
    await expect(teamCounts(session)).resolves.toEqual([2, 1, 1]);
    const row = await sessionRow(session);
    expect(row.player_count).toBe(4);
    expect(row.version).toBe(5);
    const active = await seatRow(first.seat_id);
    expect(active).toMatchObject({ status: 'ACTIVE', role: 'leader', player_id: 'p-first', custom_data: {} });
    expect(active.joined_at).not.toBeNull();
  });

  it('stores a reservation with its deadline, inviter and player data; an invitee never becomes leader', async () => {
    const session = await newSession();
    const invited = await add(session, 'p-invited', { role: 'invited', inviter: 'p-host', reserveSeconds: 120 });
    expect(invited).toMatchObject({ outcome: 'joined', seat_role: 'invited' });
    const row = await seatRow(invited.seat_id);
    expect(row).toMatchObject({ status: 'RESERVED', role: 'invited', inviting_player_id: 'p-host', joined_at: null });
    expect(Math.abs((await secondsUntil(row.reserved_until)) - 120)).toBeLessThan(5);
    const member = await add(session, 'p-data', {
      extra: { player_data: 'data', client_version: '1.2', custom_data: { k: 'v' } },
    });
    expect(member.seat_role).toBe('leader');
    expect(await seatRow(member.seat_id)).toMatchObject({
      player_data: 'data',
      client_version: '1.2',
      custom_data: { k: 'v' },
    });
  });

  it('answers existing with the seat the player holds, and changes nothing', async () => {
    const session = await newSession({ teams: 2, teamSize: 2 });
    const first = await add(session, 'p-again', { team: 1 });
    const version = (await sessionRow(session)).version;
    const again = await add(session, 'p-again', { team: 0 });
    expect(again).toMatchObject({ outcome: 'existing', team_id: 1, seat_id: first.seat_id, seat_role: 'leader' });
    expect(await seatCount(session)).toBe(1);
    expect((await sessionRow(session)).version).toBe(version);
  });

  it('refuses a full session, a full team asked for, an unknown team, an unknown or inactive session', async () => {
    const session = await newSession({ teams: 2, teamSize: 1 });
    await add(session, 'p-a', { team: 0 });
    await expect(add(session, 'p-b', { team: 0 })).resolves.toMatchObject({ outcome: 'full', team_id: 0 });
    await expect(add(session, 'p-b', { team: 7 })).resolves.toMatchObject({ outcome: 'invalid_team', team_id: 7 });
    await expect(add(session, 'p-b')).resolves.toMatchObject({ outcome: 'joined', team_id: 1 });
    await expect(add(session, 'p-c')).resolves.toMatchObject({ outcome: 'full', seat_id: null });
    expect(await seatCount(session)).toBe(2);
    await expect(add(randomUUID(), 'p-d')).resolves.toMatchObject({ outcome: 'not_found' });
    for (const status of ['ACTIVATING', 'TERMINATING', 'TERMINATED', 'ERROR']) {
      const inactive = await newSession({ status });
      await expect(add(inactive, 'p-d')).resolves.toMatchObject({ outcome: 'invalid_status' });
      expect(await seatCount(inactive)).toBe(0);
    }
  });

  it('when full, times out the overdue reservations first and takes a freed seat', async () => {
    const session = await newSession({ teamSize: 2, keepAlive: true });
    await add(session, 'p-active');
    const reservation = await add(session, 'p-late', { status: 'RESERVED' });
    await expect(add(session, 'p-new')).resolves.toMatchObject({ outcome: 'full' });
    await makeOverdue(reservation.seat_id);
    await expect(add(session, 'p-new')).resolves.toMatchObject({ outcome: 'joined' });
    const late = await seatRow(reservation.seat_id);
    expect(late.status).toBe('TIMEDOUT');
    expect(late.ended_at).not.toBeNull();
    expect((await sessionRow(session)).player_count).toBe(2);
  });

  it('folds each profile into the session aggregate', async () => {
    const session = await newSession();
    await add(session, 'p-x', { profile: XBOX });
    await add(session, 'p-none');
    await add(session, 'p-pad', { profile: PAD_ONLY });
    expect(crossplayOf(await sessionRow(session))).toEqual(aggregate([XBOX, PAD_ONLY]));
  });
});

describe('joinery_release_locked', () => {
  const release = (seatId: string, status = 'COMPLETED') =>
    value<string>(`joinery_release_locked($1, $2)`, [seatId, status]);

  it('frees the seat: counts, ended_at, the aggregate; a second release is not_active', async () => {
    const session = await newSession({ teams: 2, teamSize: 2 });
    await seat(session, 'p-stay', { team: 0, profile: STEAM });
    const leaving = await seat(session, 'p-leave', { team: 1, profile: XBOX_ONLY });
    await db.query('BEGIN');
    try {
      await db.query(`SELECT 1 FROM game_session WHERE id = $1 FOR UPDATE`, [session]);
      await expect(release(leaving)).resolves.toBe('released');
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
    expect(await seatRow(leaving)).toMatchObject({ status: 'COMPLETED' });
    expect((await seatRow(leaving)).ended_at).not.toBeNull();
    await expect(teamCounts(session)).resolves.toEqual([1, 0]);
    const row = await sessionRow(session);
    expect(row.player_count).toBe(1);
    expect(crossplayOf(row)).toEqual(aggregate([STEAM]));
    await expect(release(leaving, 'TIMEDOUT')).resolves.toBe('not_active');
    expect((await seatRow(leaving)).status).toBe('COMPLETED');
    await expect(release(randomUUID())).resolves.toBe('not_active');
  });

  it('hands the lead to the longest-seated ACTIVE member (not a reservation, not an invitee)', async () => {
    const session = await newSession({ teamSize: 6 });
    const leader = await seat(session, 'p-leader');
    await seat(session, 'p-reserved', { status: 'RESERVED' });
    await seat(session, 'p-invited', { role: 'invited', inviter: 'p-leader' });
    const later = await seat(session, 'p-later');
    const earliest = await seat(session, 'p-earliest');
    // p-earliest was seated before p-later.
    await db.query(`UPDATE seat SET joined_at = now() - interval '1 hour' WHERE id = $1`, [earliest]);
    await db.query(`UPDATE seat SET joined_at = now() - interval '1 minute' WHERE id = $1`, [later]);
    await db.query(`UPDATE seat SET created_at = now() - interval '2 hours' WHERE player_id = 'p-reserved'`);
    await expect(release(leader)).resolves.toBe('released');
    const roles = await db.query(
      `SELECT player_id, role FROM seat WHERE session_id = $1 AND status IN ('RESERVED', 'ACTIVE') ORDER BY player_id`,
      [session],
    );
    expect(roles).toEqual([
      { player_id: 'p-earliest', role: 'leader' },
      { player_id: 'p-invited', role: 'invited' },
      { player_id: 'p-later', role: 'member' },
      { player_id: 'p-reserved', role: 'member' },
    ]);
  });

  it('ends a session whose last member left; its invitations end COMPLETED with it', async () => {
    const session = await newSession({ teams: 2, teamSize: 2 });
    const member = await seat(session, 'p-only', { profile: XBOX_ONLY });
    const invitation = await seat(session, 'p-guest', { role: 'invited', inviter: 'p-only', team: 1 });
    await expect(release(member)).resolves.toBe('released');
    const row = await sessionRow(session);
    expect(row).toMatchObject({ status: 'TERMINATED', status_reason: 'EMPTY', player_count: 0 });
    expect(row.terminated_at).not.toBeNull();
    expect(crossplayOf(row)).toEqual(EMPTY_SESSION);
    expect(await seatRow(invitation)).toMatchObject({ status: 'COMPLETED' });
    await expect(teamCounts(session)).resolves.toEqual([0, 0]);
  });

  it('keeps a session alive when empty when its template says so', async () => {
    const session = await newSession({ keepAlive: true });
    const member = await seat(session, 'p-only');
    const invitation = await seat(session, 'p-guest', { role: 'invited', inviter: 'p-only' });
    await expect(release(member, 'TIMEDOUT')).resolves.toBe('released');
    expect(await seatRow(member)).toMatchObject({ status: 'TIMEDOUT' });
    expect(await sessionRow(session)).toMatchObject({ status: 'ACTIVE', player_count: 1 });
    expect(await seatRow(invitation)).toMatchObject({ status: 'RESERVED', role: 'invited' });
  });
});

describe('joinery_end_session_locked', () => {
  it('completes every occupied seat, zeroes the counts, resets the aggregate and terminates', async () => {
    const session = await newSession({ teams: 2, teamSize: 3 });
    await seat(session, 'p-a', { profile: XBOX_ONLY });
    await seat(session, 'p-b', { status: 'RESERVED', team: 1 });
    await seat(session, 'p-c', { role: 'invited', inviter: 'p-a' });
    const before = await seat(session, 'p-d');
    await db.query(`SELECT joinery_release_seat($1, 'TIMEDOUT')`, [before]);
    const endedBefore = (await seatRow(before)).ended_at;
    const version = (await sessionRow(session)).version;

    await run(`SELECT joinery_end_session_locked($1, 'TEST_REASON')`, [session]);
    const statuses = await db.query(`SELECT player_id, status FROM seat WHERE session_id = $1 ORDER BY player_id`, [
      session,
    ]);
    expect(statuses).toEqual([
      { player_id: 'p-a', status: 'COMPLETED' },
      { player_id: 'p-b', status: 'COMPLETED' },
      { player_id: 'p-c', status: 'COMPLETED' },
      { player_id: 'p-d', status: 'TIMEDOUT' },
    ]);
    expect((await seatRow(before)).ended_at).toEqual(endedBefore);
    await expect(teamCounts(session)).resolves.toEqual([0, 0]);
    const row = await sessionRow(session);
    expect(row).toMatchObject({ status: 'TERMINATED', status_reason: 'TEST_REASON', player_count: 0 });
    expect(row.version).toBe(version + 1);
    expect(crossplayOf(row)).toEqual(EMPTY_SESSION);
  });
});

describe('joinery_release_seat', () => {
  it('ends a seat COMPLETED or TIMEDOUT; not_active once ended; not_found for an unknown seat', async () => {
    const session = await newSession({ keepAlive: true });
    const a = await seat(session, 'p-a');
    const b = await seat(session, 'p-b', { status: 'RESERVED' });
    await expect(value(`joinery_release_seat($1, 'COMPLETED')`, [a])).resolves.toBe('released');
    await expect(value(`joinery_release_seat($1, 'TIMEDOUT')`, [b])).resolves.toBe('released');
    expect((await seatRow(a)).status).toBe('COMPLETED');
    expect((await seatRow(b)).status).toBe('TIMEDOUT');
    expect((await sessionRow(session)).player_count).toBe(0);
    await expect(value(`joinery_release_seat($1, 'COMPLETED')`, [a])).resolves.toBe('not_active');
    await expect(value(`joinery_release_seat($1, 'COMPLETED')`, [randomUUID()])).resolves.toBe('not_found');
  });
});

describe('joinery_release_seat_by_operator', () => {
  it('times out a reservation, completes an active seat', async () => {
    const session = await newSession({ keepAlive: true });
    const active = await seat(session, 'p-a');
    const reserved = await seat(session, 'p-r', { status: 'RESERVED' });
    await expect(value(`joinery_release_seat_by_operator($1)`, [reserved])).resolves.toBe('released');
    await expect(value(`joinery_release_seat_by_operator($1)`, [active])).resolves.toBe('released');
    expect((await seatRow(reserved)).status).toBe('TIMEDOUT');
    expect((await seatRow(active)).status).toBe('COMPLETED');
    await expect(value(`joinery_release_seat_by_operator($1)`, [active])).resolves.toBe('not_active');
    await expect(value(`joinery_release_seat_by_operator($1)`, [randomUUID()])).resolves.toBe('not_found');
    expect((await sessionRow(session)).player_count).toBe(0);
  });
});

describe('joinery_accept_seat', () => {
  const accept = (seatId: string) => value<string>(`joinery_accept_seat($1)`, [seatId]);

  it('accepts a reservation before its deadline: ACTIVE, joined_at set, deadline cleared', async () => {
    const session = await newSession({ keepAlive: true });
    const reserved = await seat(session, 'p-r', { status: 'RESERVED' });
    const version = (await sessionRow(session)).version;
    await expect(accept(reserved)).resolves.toBe('accepted');
    const row = await seatRow(reserved);
    expect(row).toMatchObject({ status: 'ACTIVE', reserved_until: null });
    expect(row.joined_at).not.toBeNull();
    expect((await sessionRow(session)).version).toBe(version + 1);
    expect((await sessionRow(session)).player_count).toBe(1);
    await expect(accept(reserved)).resolves.toBe('invalid_status');
  });

  it('times out a reservation past its deadline and frees its seat', async () => {
    const session = await newSession({ keepAlive: true });
    const reserved = await seat(session, 'p-r', { status: 'RESERVED' });
    await makeOverdue(reserved);
    await expect(accept(reserved)).resolves.toBe('timed_out');
    expect((await seatRow(reserved)).status).toBe('TIMEDOUT');
    expect((await sessionRow(session)).player_count).toBe(0);
    await expect(accept(reserved)).resolves.toBe('invalid_status');
  });

  it('gives the session its leader back when the leader left while the others were reserved', async () => {
    const session = await newSession({ keepAlive: true });
    const leader = await seat(session, 'p-lead', { role: 'leader' });
    const reserved = await seat(session, 'p-r', { status: 'RESERVED' });
    await expect(value(`joinery_release_seat($1, 'COMPLETED')`, [leader])).resolves.toBe('released');
    expect((await seatRow(reserved)).role).toBe('member');
    await expect(accept(reserved)).resolves.toBe('accepted');
    expect(await seatRow(reserved)).toMatchObject({ status: 'ACTIVE', role: 'leader' });
  });

  it('refuses an invitation, a seat of a session no longer active, an unknown seat', async () => {
    const session = await newSession({ keepAlive: true });
    await seat(session, 'p-host');
    const invitation = await seat(session, 'p-guest', { role: 'invited', inviter: 'p-host' });
    await expect(accept(invitation)).resolves.toBe('invalid_status');
    expect((await seatRow(invitation)).status).toBe('RESERVED');
    const reserved = await seat(session, 'p-r', { status: 'RESERVED' });
    await db.query(`UPDATE game_session SET status = 'TERMINATING' WHERE id = $1`, [session]);
    await expect(accept(reserved)).resolves.toBe('invalid_status');
    expect((await seatRow(reserved)).status).toBe('RESERVED');
    await expect(accept(randomUUID())).resolves.toBe('not_found');
  });
});

describe('joinery_reserve_seats', () => {
  const reserve = (session: string, ids: string[], data: (string | null)[] = ids.map(() => null), timeout = 60) =>
    run<{ outcome: string; seat_id: string | null; player_id: string | null }>(
      `SELECT * FROM joinery_reserve_seats($1, $2, $3, $4)`,
      [session, ids, data, timeout],
    );

  it('reserves seats for all the players or none; a seated player gets the seat back', async () => {
    const session = await newSession({ teamSize: 3, keepAlive: true });
    const first = await reserve(session, ['p-a', 'p-b'], ['data-a', null], 45);
    expect(first.map((r) => [r.outcome, r.player_id])).toEqual([
      ['reserved', 'p-a'],
      ['reserved', 'p-b'],
    ]);
    const a = await seatRow(first[0].seat_id!);
    expect(a).toMatchObject({ status: 'RESERVED', player_data: 'data-a', joined_at: null });
    expect(Math.abs((await secondsUntil(a.reserved_until)) - 45)).toBeLessThan(5);

    // Two new players, one free seat: nothing is reserved.
    await expect(reserve(session, ['p-b', 'p-c', 'p-d'])).resolves.toEqual([
      { outcome: 'full', seat_id: null, player_id: null },
    ]);
    expect(await seatCount(session)).toBe(2);

    const again = await reserve(session, ['p-b', 'p-c']);
    expect(again.map((r) => [r.outcome, r.player_id])).toEqual([
      ['existing', 'p-b'],
      ['reserved', 'p-c'],
    ]);
    expect(again[0].seat_id).toBe(first[1].seat_id);
    await expect(reserve(session, ['p-d'])).resolves.toMatchObject([{ outcome: 'full' }]);
    expect((await sessionRow(session)).player_count).toBe(3);
  });

  it('times out overdue reservations when they stand in the way', async () => {
    const session = await newSession({ teamSize: 2, keepAlive: true });
    const [late] = await reserve(session, ['p-late']);
    await seat(session, 'p-active');
    await makeOverdue(late.seat_id!);
    await expect(reserve(session, ['p-new'])).resolves.toMatchObject([{ outcome: 'reserved', player_id: 'p-new' }]);
    expect((await seatRow(late.seat_id!)).status).toBe('TIMEDOUT');
  });

  it('refuses a session that is not active or denies new players, and an unknown one', async () => {
    const denying = await newSession({ policy: 'DENY_ALL' });
    await expect(reserve(denying, ['p-a'])).resolves.toEqual([
      { outcome: 'invalid_status', seat_id: null, player_id: null },
    ]);
    const activating = await newSession({ status: 'ACTIVATING' });
    await expect(reserve(activating, ['p-a'])).resolves.toMatchObject([{ outcome: 'invalid_status' }]);
    await expect(reserve(randomUUID(), ['p-a'])).resolves.toMatchObject([{ outcome: 'not_found' }]);
    expect(await seatCount(denying)).toBe(0);
    expect(await seatCount(activating)).toBe(0);
  });
});

describe('joinery_reserve_seats_batch', () => {
  const batch = (session: string, requests: { id: string; data?: string }[][], timeout = 60) =>
    run<{ request: number; outcome: string; seat_id: string | null; player_id: string | null; detail: string | null }>(
      `SELECT * FROM joinery_reserve_seats_batch($1, $2, $3)`,
      [
        session,
        JSON.stringify(requests.map((r) => r.map((p) => ({ player_id: p.id, player_data: p.data ?? null })))),
        timeout,
      ],
    );
  const players = (...ids: string[]) => ids.map((id) => ({ id }));

  it('decides the requests in order on one lock of the session, each all or none', async () => {
    const session = await newSession({ teamSize: 5, keepAlive: true });
    const rows = await batch(session, [
      [{ id: 'r-a', data: 'data-a' }, { id: 'r-b' }],
      players('r-c', 'r-d', 'r-e', 'r-f'),
      players('r-c', 'r-d', 'r-e'),
      players('r-a'),
      players('r-g'),
    ]);
    expect(rows.map((r) => [r.request, r.outcome, r.player_id])).toEqual([
      [0, 'reserved', 'r-a'],
      [0, 'reserved', 'r-b'],
      [1, 'full', null],
      [2, 'reserved', 'r-c'],
      [2, 'reserved', 'r-d'],
      [2, 'reserved', 'r-e'],
      [3, 'existing', 'r-a'],
      [4, 'full', null],
    ]);
    expect(rows[6].seat_id).toBe(rows[0].seat_id);
    expect(await seatRow(rows[0].seat_id!)).toMatchObject({ status: 'RESERVED', player_data: 'data-a' });
    expect((await sessionRow(session)).player_count).toBe(5);
    expect(await occupiedSeat(session, 'r-f')).toBeUndefined();
  });

  it('rolls back a failing request alone, whole; the requests after it still go', async () => {
    const session = await newSession({ teamSize: 6, keepAlive: true });
    const rows = await batch(session, [
      players('x-a'),
      [{ id: 'x-b' }, { id: 'x-bad', data: 'd'.repeat(3000) }],
      players('x-c', 'x-b'),
    ]);
    expect(rows.map((r) => [r.request, r.outcome, r.player_id])).toEqual([
      [0, 'reserved', 'x-a'],
      [1, 'error', null],
      [2, 'reserved', 'x-c'],
      [2, 'reserved', 'x-b'],
    ]);
    expect(rows[1].detail).toMatch(/^23514 /);
    expect(await occupiedSeat(session, 'x-bad')).toBeUndefined();
    expect((await sessionRow(session)).player_count).toBe(3);
    // A batch of one raises its error, as joinery_reserve_seats always did.
    await expect(batch(session, [[{ id: 'x-bad', data: 'd'.repeat(3000) }]])).rejects.toMatchObject({
      code: '23514',
    });
  });

  it('answers every request of an unknown session not_found; invalid_status once it stops accepting players', async () => {
    await expect(batch(randomUUID(), [players('u-a'), players('u-b')])).resolves.toEqual([
      { request: 0, outcome: 'not_found', seat_id: null, player_id: null, detail: null },
      { request: 1, outcome: 'not_found', seat_id: null, player_id: null, detail: null },
    ]);
    const denying = await newSession({ policy: 'DENY_ALL' });
    const rows = await batch(denying, [players('u-c'), players('u-d')]);
    expect(rows.map((r) => [r.request, r.outcome])).toEqual([
      [0, 'invalid_status'],
      [1, 'invalid_status'],
    ]);
    await expect(
      batch(
        denying,
        Array.from({ length: 65 }, (_, i) => players(`u-many-${i}`)),
      ),
    ).rejects.toMatchObject({ code: '22023' });
  });
});

describe('joinery_join_session', () => {
  interface JoinOptions {
    team?: number | null;
    profile?: CrossplayProfile;
    given?: boolean;
    digest?: string | null;
    reserve?: number | null;
    extra?: Record<string, unknown>;
  }
  const join = async (session: string, playerId: string, o: JoinOptions = {}) =>
    (
      await run(
        `SELECT * FROM joinery_join_session(p_session => $1, p_team => $2, p_player => $3, p_password_given => $4,
                                            p_password_digest => $5, p_reserve_seconds => $6)`,
        [
          session,
          o.team ?? null,
          playerJson(playerId, o.profile, o.extra),
          o.given ?? false,
          o.digest ?? null,
          o.reserve ?? null,
        ],
      )
    )[0];

  it("times out the player's own overdue invitation first: a private session then refuses them", async () => {
    const session = await newSession({ public: false, keepAlive: true });
    await seat(session, 'p-host', { role: 'leader' });
    const invitation = await seat(session, 'p-late', { role: 'invited', inviter: 'p-host' });
    await makeOverdue(invitation);
    await expect(join(session, 'p-late', { profile: STEAM })).resolves.toMatchObject({ outcome: 'not_joinable' });
    expect((await seatRow(invitation)).status).toBe('TIMEDOUT');
    expect((await sessionRow(session)).player_count).toBe(1);
  });

  it("times out the player's own overdue reservation first: the player then joins afresh", async () => {
    const session = await newSession({ keepAlive: true });
    const stale = await seat(session, 'p-stale', { status: 'RESERVED' });
    await makeOverdue(stale);
    const again = await join(session, 'p-stale', { profile: STEAM });
    expect(again.outcome).toBe('joined');
    expect(again.seat_id).not.toBe(stale);
    expect((await seatRow(stale)).status).toBe('TIMEDOUT');
  });

  it('joins an open session as an ACTIVE member; again is existing', async () => {
    const session = await newSession({ teams: 2, teamSize: 2 });
    const first = await join(session, 'p-a', { profile: STEAM });
    expect(first).toMatchObject({ outcome: 'joined', session_id: session, team_id: 0, seat_role: 'leader' });
    expect(await seatRow(first.seat_id)).toMatchObject({ status: 'ACTIVE', reserved_until: null });
    await expect(join(session, 'p-b', { team: 1 })).resolves.toMatchObject({
      outcome: 'joined',
      team_id: 1,
      seat_role: 'member',
    });
    await expect(join(session, 'p-a')).resolves.toMatchObject({ outcome: 'existing', seat_id: first.seat_id });
    await expect(join(session, 'p-c', { team: 5 })).resolves.toMatchObject({ outcome: 'invalid_team' });
    await join(session, 'p-d', { team: 1 });
    await expect(join(session, 'p-e', { team: 1 })).resolves.toMatchObject({ outcome: 'full' });
  });

  it('takes up an invitation whatever the joinability and the password, keeping the seat', async () => {
    // A private, passworded session with invitations only (sent by a privileged actor): nobody leads yet.
    const session = await newSession({ public: false, password: 'digest-1', keepAlive: true });
    const invitation = await seat(session, 'p-guest', { role: 'invited' });
    await seat(session, 'p-guest2', { role: 'invited' });
    await expect(join(session, 'p-other')).resolves.toMatchObject({ outcome: 'not_joinable' });
    const taken = await join(session, 'p-guest', { profile: XBOX, extra: { custom_data: { k: 'v' } } });
    expect(taken).toMatchObject({ outcome: 'joined', seat_id: invitation, seat_role: 'leader', team_id: 0 });
    const row = await seatRow(invitation);
    expect(row).toMatchObject({ status: 'ACTIVE', role: 'leader', reserved_until: null, custom_data: { k: 'v' } });
    expect(row.joined_at).not.toBeNull();
    expect(await seatCount(session)).toBe(2);
    expect((await sessionRow(session)).player_count).toBe(2);
    expect(crossplayOf(await sessionRow(session))).toEqual(aggregate([XBOX]));
    // Now the session has a leader: the second invitee becomes a member.
    await expect(join(session, 'p-guest2')).resolves.toMatchObject({ outcome: 'joined', seat_role: 'member' });
    await expect(join(session, 'p-guest')).resolves.toMatchObject({ outcome: 'existing', seat_id: invitation });
  });

  it('takes up an invitation as a RESERVED seat with p_reserve_seconds', async () => {
    const session = await newSession({ keepAlive: true });
    await seat(session, 'p-host');
    const invitation = await seat(session, 'p-guest', { role: 'invited', inviter: 'p-host', reserveSeconds: 600 });
    await expect(join(session, 'p-guest', { reserve: 20 })).resolves.toMatchObject({
      outcome: 'joined',
      seat_id: invitation,
      seat_role: 'member',
    });
    const row = await seatRow(invitation);
    expect(row).toMatchObject({ status: 'RESERVED', role: 'member', joined_at: null });
    expect(Math.abs((await secondsUntil(row.reserved_until)) - 20)).toBeLessThan(5);
  });

  it('reserves a seat with p_reserve_seconds', async () => {
    const session = await newSession();
    const joined = await join(session, 'p-r', { reserve: 30 });
    expect(joined).toMatchObject({ outcome: 'joined', seat_role: 'leader' });
    const row = await seatRow(joined.seat_id);
    expect(row).toMatchObject({ status: 'RESERVED', joined_at: null });
    expect(Math.abs((await secondsUntil(row.reserved_until)) - 30)).toBeLessThan(5);
  });

  it('refuses sessions closed to newcomers and unknown or ended sessions', async () => {
    const privateSession = await newSession({ public: false });
    await expect(join(privateSession, 'p-a')).resolves.toMatchObject({ outcome: 'not_joinable', seat_id: null });
    const denying = await newSession({ policy: 'DENY_ALL' });
    await expect(join(denying, 'p-a')).resolves.toMatchObject({ outcome: 'not_joinable' });
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(join(ended, 'p-a')).resolves.toMatchObject({ outcome: 'not_found' });
    const activating = await newSession({ status: 'ACTIVATING' });
    await expect(join(activating, 'p-a')).resolves.toMatchObject({ outcome: 'not_found' });
    await expect(join(randomUUID(), 'p-a')).resolves.toMatchObject({ outcome: 'not_found' });
    for (const s of [privateSession, denying, ended, activating]) expect(await seatCount(s)).toBe(0);
  });

  it('refuses crossplay-incompatible players; an unknown profile only into unrestricted sessions', async () => {
    const restricted = await newSession();
    await seat(restricted, 'p-xbox-only', { profile: XBOX_ONLY });
    await expect(join(restricted, 'p-psn', { profile: PSN })).resolves.toMatchObject({
      outcome: 'crossplay_mismatch',
    });
    await expect(join(restricted, 'p-unknown')).resolves.toMatchObject({ outcome: 'crossplay_mismatch' });
    await expect(join(restricted, 'p-xbox', { profile: XBOX })).resolves.toMatchObject({ outcome: 'joined' });

    const padOnly = await newSession();
    await seat(padOnly, 'p-pad', { profile: PAD_ONLY });
    await expect(join(padOnly, 'p-unknown')).resolves.toMatchObject({ outcome: 'crossplay_mismatch' });
    await expect(join(padOnly, 'p-keyboard', { profile: STEAM })).resolves.toMatchObject({
      outcome: 'crossplay_mismatch',
    });

    const unrestricted = await newSession();
    await seat(unrestricted, 'p-steam', { profile: STEAM });
    await seat(unrestricted, 'p-psn', { profile: PSN });
    await expect(join(unrestricted, 'p-unknown')).resolves.toMatchObject({ outcome: 'joined' });
    expect(crossplayOf(await sessionRow(unrestricted))).toEqual(aggregate([STEAM, PSN]));
  });

  it('checks a password in two steps, counts failures, locks after 5 and resets on success', async () => {
    const session = await newSession({ password: 'digest-1', teamSize: 6 });
    const failures = async () => (await sessionRow(session)).password_failures as number;

    // No password given: refused, not counted.
    await expect(join(session, 'p-a')).resolves.toMatchObject({ outcome: 'bad_password' });
    expect(await failures()).toBe(0);
    // Step one: the stored digest, for the service to verify.
    await expect(join(session, 'p-a', { given: true })).resolves.toMatchObject({
      outcome: 'password_check',
      detail: 'digest-1',
      seat_id: null,
    });
    // Step two, wrong: counted.
    for (let i = 1; i <= 4; i++) {
      await expect(join(session, 'p-a', { given: true, digest: '' })).resolves.toMatchObject({
        outcome: 'bad_password',
      });
      expect(await failures()).toBe(i);
    }
    expect((await sessionRow(session)).password_failed_at).not.toBeNull();
    // Right after 4 failures: joined, the count reset.
    await expect(join(session, 'p-a', { given: true, digest: 'digest-1' })).resolves.toMatchObject({
      outcome: 'joined',
    });
    expect(await sessionRow(session)).toMatchObject({ password_failures: 0, password_failed_at: null });

    // Five wrong: locked, even for the right digest.
    for (let i = 0; i < 5; i++) await join(session, 'p-b', { given: true, digest: 'wrong' });
    expect(await failures()).toBe(5);
    await expect(join(session, 'p-b', { given: true, digest: 'digest-1' })).resolves.toMatchObject({
      outcome: 'password_locked',
    });
    await expect(join(session, 'p-b', { given: true })).resolves.toMatchObject({ outcome: 'password_locked' });
    expect(await occupiedSeat(session, 'p-b')).toBeUndefined();
    expect(await failures()).toBe(5);
    // A minute later (the clock moved in SQL): open to attempts again.
    await db.query(`UPDATE game_session SET password_failed_at = now() - interval '61 seconds' WHERE id = $1`, [
      session,
    ]);
    await expect(join(session, 'p-b', { given: true })).resolves.toMatchObject({ outcome: 'password_check' });
    await expect(join(session, 'p-b', { given: true, digest: 'digest-1' })).resolves.toMatchObject({
      outcome: 'joined',
    });
    expect(await failures()).toBe(0);
  });
});

// reservations.sql -------------------------------------------------------------------------------------------

describe('joinery_expire_session_reservations', () => {
  it('times out the overdue reservations and invitations of a session, and nothing else', async () => {
    const session = await newSession({ teamSize: 5, keepAlive: true });
    await seat(session, 'p-active');
    const overdue = await seat(session, 'p-overdue', { status: 'RESERVED' });
    const invitation = await seat(session, 'p-invited', { role: 'invited', inviter: 'p-active' });
    const pending = await seat(session, 'p-pending', { status: 'RESERVED' });
    await makeOverdue(overdue);
    await makeOverdue(invitation);
    await expect(value(`joinery_expire_session_reservations($1)`, [session])).resolves.toBe(2);
    expect((await seatRow(overdue)).status).toBe('TIMEDOUT');
    expect((await seatRow(invitation)).status).toBe('TIMEDOUT');
    expect((await seatRow(pending)).status).toBe('RESERVED');
    expect((await sessionRow(session)).player_count).toBe(2);
    await expect(value(`joinery_expire_session_reservations($1)`, [session])).resolves.toBe(0);
  });
});

describe('joinery_sweep_reservations', () => {
  const sweep = (sessions: number) => value<number>(`joinery_sweep_reservations($1)`, [sessions]);

  it('times out overdue reservations, skipping sessions another transaction holds', async () => {
    // Whatever earlier tests left overdue is swept first, so that the counts below are this test's.
    for (let n = 1; n > 0;) n = await sweep(100);
    const [a, b, held] = [
      await newSession({ keepAlive: true }),
      await newSession({ keepAlive: true }),
      await newSession({ keepAlive: true }),
    ];
    for (const s of [a, b]) {
      for (const p of ['p-1', 'p-2']) await makeOverdue(await seat(s, p, { status: 'RESERVED' }));
    }
    await makeOverdue(await seat(held, 'p-1', { status: 'RESERVED' }));
    await seat(held, 'p-pending', { status: 'RESERVED' });

    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM game_session WHERE id = $1 FOR UPDATE`, [held]);
      await expect(sweep(5)).resolves.toBe(4);
      await expect(sweep(5)).resolves.toBe(0);
      await other.query('COMMIT');
      // Another sweeper is running (it holds the sweeper's advisory lock): this one does nothing.
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended('joinery:sweeper', 0))`);
      await expect(sweep(5)).resolves.toBe(0);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await expect(sweep(5)).resolves.toBe(1);
    const left = await db.query(
      `SELECT player_id FROM seat WHERE session_id = ANY($1) AND status = 'RESERVED' ORDER BY player_id`,
      [[a, b, held]],
    );
    expect(left).toEqual([{ player_id: 'p-pending' }]);
    await expect(sweep(5)).resolves.toBe(0);
  });

  it('counts its batch after skipping held sessions: they never use it up', async () => {
    for (let n = 1; n > 0;) n = await sweep(100);
    const held: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await newSession({ keepAlive: true });
      await makeOverdue(await seat(s, 'p-held', { status: 'RESERVED' }));
      held.push(s);
    }
    const free = await newSession({ keepAlive: true });
    const freeSeat = await seat(free, 'p-free', { status: 'RESERVED' });
    await makeOverdue(freeSeat);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM game_session WHERE id = ANY($1) FOR UPDATE`, [held]);
      await expect(sweep(1)).resolves.toBe(1);
      expect((await seatRow(freeSeat)).status).toBe('TIMEDOUT');
      await expect(sweep(1)).resolves.toBe(0);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await expect(sweep(10)).resolves.toBe(5);
  });

  it('takes at most p_sessions sessions per call', async () => {
    for (let n = 1; n > 0;) n = await sweep(100);
    for (let i = 0; i < 3; i++) {
      const s = await newSession({ keepAlive: true });
      for (const p of ['p-1', 'p-2']) await makeOverdue(await seat(s, p, { status: 'RESERVED' }));
    }
    await expect(sweep(2)).resolves.toBe(4);
    await expect(sweep(2)).resolves.toBe(2);
    await expect(sweep(2)).resolves.toBe(0);
  });
});

// sessions.sql -----------------------------------------------------------------------------------------------

interface TemplateOptions {
  canCreate?: boolean;
  autoJoin?: boolean;
  public?: boolean;
  keepAlive?: boolean;
  teams?: number;
  size?: number;
}

async function newTemplate(o: TemplateOptions = {}): Promise<string> {
  const type = `sql-${randomBytes(4).toString('hex')}`;
  await db.query(
    `INSERT INTO session_template (session_type, config, can_be_created_by_players_directly, attempt_auto_join,
                                   default_public, keep_alive_on_empty, can_change_own_team, num_teams,
                                   players_per_team)
     VALUES ($1, '{}', $2, $3, $4, $5, false, $6, $7)`,
    [type, o.canCreate ?? true, o.autoJoin ?? true, o.public ?? true, o.keepAlive ?? false, o.teams ?? 2, o.size ?? 2],
  );
  return type;
}

describe('joinery_create_or_join', () => {
  interface CojOptions {
    region?: string | null;
    team?: number | null;
    profile?: CrossplayProfile;
    digest?: string | null;
  }
  const coj = async (type: string, playerId: string, o: CojOptions = {}) =>
    (
      await run(
        `SELECT * FROM joinery_create_or_join(p_type => $1, p_region => $2, p_team => $3, p_player => $4,
                                              p_password_digest => $5, p_fleet_id => 'fleet-coj', p_location => 'loc')`,
        [type, o.region ?? null, o.team ?? null, playerJson(playerId, o.profile), o.digest ?? null],
      )
    )[0];

  it('creates a session from the template, then joins it; the same player again is existing', async () => {
    const type = await newTemplate({ teams: 2, size: 2, keepAlive: true });
    const created = await coj(type, 'p-a');
    expect(created).toMatchObject({ outcome: 'created', team_id: 0, seat_role: 'leader' });
    const row = await sessionRow(created.session_id);
    expect(row).toMatchObject({
      type,
      status: 'ACTIVE',
      public: true,
      fleet_id: 'fleet-coj',
      location: 'loc',
      region_id: null,
      max_players: 4,
      keep_alive_on_empty: true,
      password_digest: null,
      created_via: 'rallyhere',
      player_count: 1,
    });
    await expect(teamCounts(created.session_id)).resolves.toEqual([1, 0]);

    const joined = await coj(type, 'p-b');
    expect(joined).toMatchObject({
      outcome: 'joined',
      session_id: created.session_id,
      team_id: 1,
      seat_role: 'member',
    });
    await expect(coj(type, 'p-a')).resolves.toMatchObject({
      outcome: 'existing',
      session_id: created.session_id,
      seat_id: created.seat_id,
      seat_role: 'leader',
    });
    await coj(type, 'p-c');
    await coj(type, 'p-d');
    // Full: the next player gets a new session.
    const next = await coj(type, 'p-e');
    expect(next.outcome).toBe('created');
    expect(next.session_id).not.toBe(created.session_id);
  });

  it('joins the oldest compatible open session of the region; skips private, passworded and incompatible ones', async () => {
    const type = await newTemplate({ size: 4 });
    const eu = await coj(type, 'p-eu', { region: 'eu' });
    expect(eu.outcome).toBe('created');
    expect(await sessionRow(eu.session_id)).toMatchObject({ region_id: 'eu', location: 'eu' });
    const us = await coj(type, 'p-us', { region: 'us' });
    expect(us.outcome).toBe('created');
    await expect(coj(type, 'p-eu2', { region: 'eu' })).resolves.toMatchObject({
      outcome: 'joined',
      session_id: eu.session_id,
    });
    // No region: any region, the oldest first.
    await expect(coj(type, 'p-any')).resolves.toMatchObject({ outcome: 'joined', session_id: eu.session_id });

    const guarded = await coj(type, 'p-guarded', { region: 'ap', digest: 'digest-1' });
    expect(guarded.outcome).toBe('created');
    expect((await sessionRow(guarded.session_id)).password_digest).toBe('digest-1');
    await expect(coj(type, 'p-ap', { region: 'ap' })).resolves.toMatchObject({ outcome: 'created' });

    const picky = await coj(type, 'p-picky', { region: 'sa', profile: XBOX_ONLY });
    expect(picky.outcome).toBe('created');
    const psn = await coj(type, 'p-psn', { region: 'sa', profile: PSN });
    expect(psn.outcome).toBe('created');
    expect(psn.session_id).not.toBe(picky.session_id);
    await expect(coj(type, 'p-xbox', { region: 'sa', profile: XBOX })).resolves.toMatchObject({
      outcome: 'joined',
      session_id: picky.session_id,
    });

    const privateType = await newTemplate({ public: false });
    const hidden = await coj(privateType, 'p-hidden');
    expect(hidden.outcome).toBe('created');
    expect((await sessionRow(hidden.session_id)).public).toBe(false);
    await expect(coj(privateType, 'p-seek')).resolves.toMatchObject({ outcome: 'created' });
  });

  it('seats in the team asked for, in a session with room in it', async () => {
    const type = await newTemplate({ teams: 2, size: 1 });
    const created = await coj(type, 'p-a', { team: 1 });
    expect(created).toMatchObject({ outcome: 'created', team_id: 1, seat_role: 'leader' });
    await expect(coj(type, 'p-b', { team: 0 })).resolves.toMatchObject({
      outcome: 'joined',
      session_id: created.session_id,
      team_id: 0,
    });
    const other = await coj(type, 'p-c', { team: 1 });
    expect(other).toMatchObject({ outcome: 'created', team_id: 1 });
    expect(other.session_id).not.toBe(created.session_id);
  });

  it('answers template_not_found, invalid_team, no_session_available and creation_not_allowed', async () => {
    await expect(coj('sql-no-such-type', 'p-a')).resolves.toMatchObject({ outcome: 'template_not_found' });
    const type = await newTemplate({ teams: 2 });
    await expect(coj(type, 'p-a', { team: 2 })).resolves.toMatchObject({ outcome: 'invalid_team', team_id: 2 });
    const joinOnly = await newTemplate({ canCreate: false, autoJoin: true });
    await expect(coj(joinOnly, 'p-a')).resolves.toMatchObject({ outcome: 'no_session_available', session_id: null });
    const neither = await newTemplate({ canCreate: false, autoJoin: false });
    await expect(coj(neither, 'p-a')).resolves.toMatchObject({ outcome: 'creation_not_allowed' });
    const count = await db.query(`SELECT count(*)::int AS n FROM game_session WHERE type = ANY($1)`, [
      [type, joinOnly, neither],
    ]);
    expect(count).toEqual([{ n: 0 }]);

    // A join-only type joins the sessions others made; a create-only type never joins.
    const session = await newSession({ type: joinOnly, teamSize: 4 });
    await seat(session, 'p-host');
    await expect(coj(joinOnly, 'p-a')).resolves.toMatchObject({ outcome: 'joined', session_id: session });
    const createOnly = await newTemplate({ autoJoin: false });
    const first = await coj(createOnly, 'p-1');
    const second = await coj(createOnly, 'p-2');
    expect([first.outcome, second.outcome]).toEqual(['created', 'created']);
    expect(second.session_id).not.toBe(first.session_id);
  });
});

describe('joinery_create_or_join_batch', () => {
  interface BatchPlayer {
    id: string;
    profile?: CrossplayProfile;
    team?: number;
    digest?: string;
    extra?: Record<string, unknown>;
  }
  const batch = (type: string, players: BatchPlayer[], region: string | null = null) =>
    run<{
      ord: number;
      outcome: string;
      session_id: string;
      team_id: number;
      seat_id: string;
      seat_role: string;
      detail: string | null;
    }>(
      `SELECT * FROM joinery_create_or_join_batch(p_type => $1, p_region => $2, p_players => $3,
                                                  p_fleet_id => 'fleet-coj', p_location => 'loc')`,
      [
        type,
        region,
        JSON.stringify(
          players.map((p) => ({
            ...(JSON.parse(playerJson(p.id, p.profile, p.extra)) as Record<string, unknown>),
            team_id: p.team,
            password_digest: p.digest,
          })),
        ),
      ],
    );

  it('seats a batch in order, packed exactly: oldest open session first, a new one only when none fits', async () => {
    const type = await newTemplate({ teams: 1, size: 4 });
    const ids = Array.from({ length: 10 }, (_, i) => `b-${i}`);
    const rows = await batch(
      type,
      ids.map((id) => ({ id })),
    );
    expect(rows.map((r) => r.ord)).toEqual(ids.map((_, i) => i));
    expect(rows.map((r) => r.outcome)).toEqual([
      'created',
      'joined',
      'joined',
      'joined',
      'created',
      'joined',
      'joined',
      'joined',
      'created',
      'joined',
    ]);
    expect(rows.map((r) => r.seat_role)).toEqual([
      'leader',
      'member',
      'member',
      'member',
      'leader',
      'member',
      'member',
      'member',
      'leader',
      'member',
    ]);
    const sessions = [...new Set(rows.map((r) => r.session_id))];
    expect(sessions).toHaveLength(3);
    expect(await Promise.all(sessions.map(async (id) => (await sessionRow(id)).player_count))).toEqual([4, 4, 2]);
    // The next batch fills the part-full session first.
    const next = await batch(type, [{ id: 'b-10' }, { id: 'b-11' }, { id: 'b-12' }]);
    expect(next.map((r) => [r.outcome, r.session_id])).toEqual([
      ['joined', sessions[2]],
      ['joined', sessions[2]],
      ['created', expect.any(String)],
    ]);
  });

  it('gives a player listed twice, or already seated, one seat: the later asks are existing', async () => {
    const type = await newTemplate({ teams: 1, size: 4 });
    const [first] = await batch(type, [{ id: 'd-seated' }, { id: 'd-other' }]);
    const rows = await batch(type, [{ id: 'd-twice' }, { id: 'd-seated' }, { id: 'd-twice' }, { id: 'd-twice' }]);
    expect(rows.map((r) => r.outcome)).toEqual(['joined', 'existing', 'existing', 'existing']);
    expect(rows[1]).toMatchObject({ session_id: first.session_id, seat_id: first.seat_id, seat_role: 'leader' });
    expect(rows[2].seat_id).toBe(rows[0].seat_id);
    expect(rows[3].seat_id).toBe(rows[0].seat_id);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM seat WHERE player_id = 'd-twice'`);
    expect(n).toBe(1);
  });

  it("checks each player's own crossplay profile and team: an incompatible player gets a session of their own", async () => {
    const type = await newTemplate({ teams: 1, size: 4 });
    const rows = await batch(type, [
      { id: 'c-xbox-only', profile: XBOX_ONLY },
      { id: 'c-psn', profile: PSN },
      { id: 'c-xbox', profile: XBOX },
      { id: 'c-psn-2', profile: PSN },
    ]);
    expect(rows.map((r) => r.outcome)).toEqual(['created', 'created', 'joined', 'joined']);
    expect(rows[2].session_id).toBe(rows[0].session_id);
    expect(rows[3].session_id).toBe(rows[1].session_id);
    expect(rows[1].session_id).not.toBe(rows[0].session_id);

    const teams = await newTemplate({ teams: 2, size: 1 });
    const seated = await batch(teams, [
      { id: 't-1', team: 1 },
      { id: 't-2', team: 1 },
      { id: 't-3', team: 0 },
      { id: 't-4', team: 2 },
    ]);
    expect(seated.map((r) => [r.outcome, r.team_id])).toEqual([
      ['created', 1],
      ['created', 1],
      ['joined', 0],
      ['invalid_team', 2],
    ]);
    expect(seated[2].session_id).toBe(seated[0].session_id);
    expect(seated[1].session_id).not.toBe(seated[0].session_id);
  });

  it("rolls back a failing player alone: the others are seated, the failure is that player's outcome", async () => {
    const type = await newTemplate({ teams: 1, size: 4 });
    // An empty player id breaks seat's CHECK constraint; a profile that is not a number breaks its cast.
    const rows = await batch(type, [
      { id: 'f-1' },
      { id: '' },
      { id: 'f-2' },
      { id: 'f-3', extra: { cp_family: 'many' } },
      { id: 'f-4' },
    ]);
    expect(rows.map((r) => r.outcome)).toEqual(['created', 'error', 'joined', 'error', 'joined']);
    expect(rows[1].detail).toMatch(/^23514 /);
    expect(rows[3].detail).toMatch(/^22P02 /);
    expect(rows[1]).toMatchObject({ session_id: null, seat_id: null });
    const session = await sessionRow(rows[0].session_id);
    expect(session.player_count).toBe(3);
    const seated = await db.query(`SELECT player_id FROM seat WHERE session_id = $1 ORDER BY created_at`, [session.id]);
    expect(seated.map((r) => r.player_id)).toEqual(['f-1', 'f-2', 'f-4']);
  });

  it('appends its events after the last player, in order, each with the recipients of its moment', async () => {
    const type = await newTemplate({ teams: 1, size: 4 });
    const rows = await batch(type, [{ id: 'e-1' }, { id: 'e-2' }, { id: 'e-3' }]);
    const events = await db.query(
      `SELECT id, kind, player_id, recipients, data FROM session_event WHERE session_id = $1 ORDER BY id`,
      [rows[0].session_id],
    );
    expect(events.map((e) => [e.kind, e.player_id, [...e.recipients].sort()])).toEqual([
      ['joined', 'e-1', ['e-1']],
      ['joined', 'e-2', ['e-1', 'e-2']],
      ['joined', 'e-3', ['e-1', 'e-2', 'e-3']],
    ]);
    expect(events[0].data).toEqual({ team_id: 0, status: 'leader', seat_status: 'ACTIVE', inviting_player_id: null });
    // Deferral ended with the batch: an emit in the same transaction is appended at once.
    await db.query('BEGIN');
    try {
      await run(`SELECT * FROM joinery_create_or_join_batch($1, NULL, $2, 'fleet-coj', 'loc')`, [
        type,
        JSON.stringify([{ player_id: 'e-4' }, { player_id: 'e-5' }]),
      ]);
      await db.query(`SELECT joinery_emit($1, 'session_updated', NULL, '{}')`, [rows[0].session_id]);
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM session_event WHERE session_id = $1 AND kind = 'session_updated'`,
        [rows[0].session_id],
      );
      expect(n).toBe(1);
    } finally {
      await db.query('COMMIT');
    }
  });

  it('answers template_not_found for everyone, keeps the outcomes of one player, refuses more than 64', async () => {
    const rows = await batch('sql-no-such-type', [{ id: 'n-1' }, { id: 'n-2' }]);
    expect(rows.map((r) => r.outcome)).toEqual(['template_not_found', 'template_not_found']);
    const joinOnly = await newTemplate({ canCreate: false, autoJoin: true });
    await expect(batch(joinOnly, [{ id: 'n-3' }])).resolves.toMatchObject([
      { ord: 0, outcome: 'no_session_available' },
    ]);
    const type = await newTemplate({ teams: 1, size: 4 });
    await expect(batch(type, [{ id: 'n-4', digest: 'digest-n' }], 'eu')).resolves.toMatchObject([
      { outcome: 'created' },
    ]);
    const [{ password_digest, region_id }] = await db.query(
      `SELECT password_digest, region_id FROM game_session WHERE type = $1`,
      [type],
    );
    expect([password_digest, region_id]).toEqual(['digest-n', 'eu']);
    // A batch of one raises its error, as joinery_create_or_join always did.
    await expect(batch(type, [{ id: '' }])).rejects.toMatchObject({ code: '23514' });
    await expect(
      batch(
        type,
        Array.from({ length: 65 }, (_, i) => ({ id: `n-many-${i}` })),
      ),
    ).rejects.toMatchObject({ code: '22023' });
  });
});

describe('joinery_create_game_session', () => {
  const create = async (session: Record<string, unknown>) =>
    (await run(`SELECT * FROM joinery_create_game_session($1)`, [JSON.stringify(session)]))[0];
  const base = { type: 'gamelift', status: 'ACTIVATING', fleet_id: 'fleet-gl', location: 'us-west-2', max_players: 8 };

  it('creates a one-team session; the same idempotency token on the fleet answers it again (created = false)', async () => {
    const token = `token-${randomBytes(4).toString('hex')}`;
    const first = await create({
      ...base,
      name: 'match',
      creator_id: 'creator',
      game_properties: [{ Key: 'mode', Value: 'ffa' }],
      game_session_data: 'data',
      idempotency_token: token,
    });
    expect(first.created).toBe(true);
    expect(await sessionRow(first.session_id)).toMatchObject({
      type: 'gamelift',
      status: 'ACTIVATING',
      public: true,
      fleet_id: 'fleet-gl',
      location: 'us-west-2',
      region_id: 'us-west-2',
      name: 'match',
      creator_id: 'creator',
      game_properties: [{ Key: 'mode', Value: 'ffa' }],
      game_session_data: 'data',
      idempotency_token: token,
      max_players: 8,
      keep_alive_on_empty: true,
      created_via: 'gamelift',
      player_count: 0,
      cp_families_all: ALL_FAMILIES,
      cp_inputs_allowed: ALL_INPUTS,
    });
    const teams = await db.query(`SELECT team_id, max_size, player_count FROM session_team WHERE session_id = $1`, [
      first.session_id,
    ]);
    expect(teams).toEqual([{ team_id: 0, max_size: 8, player_count: 0 }]);

    await expect(create({ ...base, idempotency_token: token, max_players: 2 })).resolves.toEqual({
      session_id: first.session_id,
      created: false,
    });
    expect((await sessionRow(first.session_id)).max_players).toBe(8);
    // Another fleet, or no token: a new session each time.
    const otherFleet = await create({ ...base, fleet_id: 'fleet-other', idempotency_token: token });
    expect(otherFleet.created).toBe(true);
    expect(otherFleet.session_id).not.toBe(first.session_id);
    const a = await create({ ...base, status: 'ACTIVE' });
    const b = await create(base);
    expect([a.created, b.created]).toEqual([true, true]);
    expect(a.session_id).not.toBe(b.session_id);
    expect(await sessionRow(a.session_id)).toMatchObject({ status: 'ACTIVE', game_properties: [] });
  });
});

describe('joinery_update_session', () => {
  const update = (session: string, changes: Record<string, unknown>, actor: string | null, privileged = false) =>
    value<string>(`joinery_update_session(p_session => $1, p_changes => $2, p_actor_id => $3, p_privileged => $4)`, [
      session,
      JSON.stringify(changes),
      actor,
      privileged,
    ]);

  it('lets the leader or a privileged actor change the session; others are forbidden', async () => {
    const session = await newSession();
    await seat(session, 'p-leader');
    await seat(session, 'p-member');
    const before = await sessionRow(session);
    await expect(update(session, { public: false }, 'p-member')).resolves.toBe('forbidden');
    await expect(update(session, { public: false }, 'p-outsider')).resolves.toBe('forbidden');
    await expect(update(session, { public: false }, null)).resolves.toBe('forbidden');
    expect(await sessionRow(session)).toMatchObject({ public: true, version: before.version });

    await expect(
      update(
        session,
        { custom_data: { k: 'v' }, public: false, joinable_friends: true, joinable_platform: false, region_id: 'eu' },
        'p-leader',
      ),
    ).resolves.toBe('updated');
    expect(await sessionRow(session)).toMatchObject({
      custom_data: { k: 'v' },
      public: false,
      joinable_friends: true,
      joinable_platform: false,
      region_id: 'eu',
      version: before.version + 1,
    });
    // Absent keys stay as they are.
    await expect(update(session, { region_id: 'us' }, null, true)).resolves.toBe('updated');
    expect(await sessionRow(session)).toMatchObject({ custom_data: { k: 'v' }, public: false, region_id: 'us' });
  });

  it('a new password digest clears the failed attempts; other changes keep them', async () => {
    const session = await newSession({ password: 'digest-old' });
    await seat(session, 'p-leader');
    await db.query(`UPDATE game_session SET password_failures = 5, password_failed_at = now() WHERE id = $1`, [
      session,
    ]);
    await expect(update(session, { public: true }, 'p-leader')).resolves.toBe('updated');
    expect((await sessionRow(session)).password_failures).toBe(5);
    await expect(update(session, { password_digest: 'digest-new' }, 'p-leader')).resolves.toBe('updated');
    expect(await sessionRow(session)).toMatchObject({
      password_digest: 'digest-new',
      password_failures: 0,
      password_failed_at: null,
    });
  });

  it('answers not_found for an unknown or ended session', async () => {
    await expect(update(randomUUID(), {}, null, true)).resolves.toBe('not_found');
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(update(ended, { public: false }, null, true)).resolves.toBe('not_found');
    expect((await sessionRow(ended)).public).toBe(true);
  });
});

describe('joinery_update_game_session', () => {
  const update = (
    session: string,
    o: { max?: number; name?: string; policy?: string; properties?: unknown[]; protection?: string },
  ) =>
    value<string>(`joinery_update_game_session($1, $2, $3, $4, $5, $6)`, [
      session,
      o.max ?? null,
      o.name ?? null,
      o.policy ?? null,
      o.properties ? JSON.stringify(o.properties) : null,
      o.protection ?? null,
    ]);

  it('updates capacity, name, policies and merges properties by key', async () => {
    const session = await newSession({ teamSize: 4, keepAlive: true });
    await db.query(
      `UPDATE game_session SET game_properties = '[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]' WHERE id = $1`,
      [session],
    );
    await seat(session, 'p-a');
    await expect(
      update(session, {
        max: 6,
        name: 'renamed',
        policy: 'DENY_ALL',
        protection: 'FullProtection',
        properties: [
          { Key: 'b', Value: '3' },
          { Key: 'c', Value: '4' },
        ],
      }),
    ).resolves.toBe('updated');
    expect(await sessionRow(session)).toMatchObject({
      max_players: 6,
      name: 'renamed',
      creation_policy: 'DENY_ALL',
      protection_policy: 'FullProtection',
      game_properties: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '3' },
        { Key: 'c', Value: '4' },
      ],
    });
    const [team] = await db.query(`SELECT max_size FROM session_team WHERE session_id = $1`, [session]);
    expect(team.max_size).toBe(6);
    // Nothing given: nothing changes but the version.
    await expect(update(session, {})).resolves.toBe('updated');
    expect(await sessionRow(session)).toMatchObject({ max_players: 6, name: 'renamed', creation_policy: 'DENY_ALL' });
  });

  it('never goes below the occupied seats, after timing out the overdue reservations', async () => {
    const session = await newSession({ teamSize: 4, keepAlive: true });
    await seat(session, 'p-a');
    await seat(session, 'p-b');
    const late = await seat(session, 'p-late', { status: 'RESERVED' });
    await expect(update(session, { max: 1 })).resolves.toBe('below_occupied');
    await expect(update(session, { max: 2 })).resolves.toBe('below_occupied');
    expect((await sessionRow(session)).max_players).toBe(4);
    await makeOverdue(late);
    await expect(update(session, { max: 2 })).resolves.toBe('updated');
    expect((await seatRow(late)).status).toBe('TIMEDOUT');
    expect(await sessionRow(session)).toMatchObject({ max_players: 2, player_count: 2 });
  });

  it('refuses a capacity change on a multi-team session, more than 16 properties, an ended or unknown session', async () => {
    const teams = await newSession({ teams: 2, teamSize: 2 });
    await expect(update(teams, { max: 6 })).resolves.toBe('multi_team');
    // The same capacity is no change.
    await expect(update(teams, { max: 4, name: 'same' })).resolves.toBe('updated');
    const session = await newSession();
    const many = Array.from({ length: 17 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
    await expect(update(session, { properties: many })).resolves.toBe('too_many_properties');
    await expect(update(session, { properties: many.slice(0, 16) })).resolves.toBe('updated');
    await expect(update(session, { properties: [{ Key: 'k0', Value: 'new' }] })).resolves.toBe('updated');
    expect((await sessionRow(session)).game_properties).toHaveLength(16);
    await expect(update(session, { properties: [{ Key: 'k16', Value: 'x' }] })).resolves.toBe('too_many_properties');
    const activating = await newSession({ status: 'ACTIVATING' });
    await expect(update(activating, { name: 'ok' })).resolves.toBe('updated');
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(update(ended, { name: 'x' })).resolves.toBe('invalid_status');
    await expect(update(randomUUID(), { name: 'x' })).resolves.toBe('not_found');
  });
});

describe('joinery_activate_session', () => {
  it('ACTIVATING → ACTIVE once; already_active, invalid_status, not_found', async () => {
    const session = await newSession({ status: 'ACTIVATING' });
    const version = (await sessionRow(session)).version;
    await expect(value(`joinery_activate_session($1)`, [session])).resolves.toBe('activated');
    expect(await sessionRow(session)).toMatchObject({ status: 'ACTIVE', version: version + 1 });
    await expect(value(`joinery_activate_session($1)`, [session])).resolves.toBe('already_active');
    for (const status of ['TERMINATING', 'TERMINATED', 'ERROR']) {
      const other = await newSession({ status });
      await expect(value(`joinery_activate_session($1)`, [other])).resolves.toBe('invalid_status');
      expect((await sessionRow(other)).status).toBe(status);
    }
    await expect(value(`joinery_activate_session($1)`, [randomUUID()])).resolves.toBe('not_found');
  });
});

describe('joinery_terminate_session', () => {
  it('ends the session and its seats; already_terminated; not_found', async () => {
    const session = await newSession({ keepAlive: true });
    const a = await seat(session, 'p-a');
    const r = await seat(session, 'p-r', { status: 'RESERVED' });
    await expect(value(`joinery_terminate_session($1, 'FORCE_TERMINATED')`, [session])).resolves.toBe('terminated');
    expect(await sessionRow(session)).toMatchObject({
      status: 'TERMINATED',
      status_reason: 'FORCE_TERMINATED',
      player_count: 0,
    });
    expect([(await seatRow(a)).status, (await seatRow(r)).status]).toEqual(['COMPLETED', 'COMPLETED']);
    await expect(value(`joinery_terminate_session($1, 'AGAIN')`, [session])).resolves.toBe('already_terminated');
    expect((await sessionRow(session)).status_reason).toBe('FORCE_TERMINATED');
    const activating = await newSession({ status: 'ACTIVATING' });
    await expect(value(`joinery_terminate_session($1, 'X')`, [activating])).resolves.toBe('terminated');
    await expect(value(`joinery_terminate_session($1, 'X')`, [randomUUID()])).resolves.toBe('not_found');
  });
});

describe('joinery_close_session', () => {
  const close = (session: string, actor: string | null, privileged = false) =>
    value<string>(`joinery_close_session($1, $2, $3)`, [session, actor, privileged]);

  it('the leader or a privileged actor closes; others are forbidden; an ended session is not_found', async () => {
    const session = await newSession();
    await seat(session, 'p-leader');
    await seat(session, 'p-member');
    await expect(close(session, 'p-member')).resolves.toBe('forbidden');
    await expect(close(session, null)).resolves.toBe('forbidden');
    expect((await sessionRow(session)).status).toBe('ACTIVE');
    await expect(close(session, 'p-leader')).resolves.toBe('terminated');
    expect(await sessionRow(session)).toMatchObject({ status: 'TERMINATED', status_reason: 'CLOSED', player_count: 0 });
    await expect(close(session, 'p-leader')).resolves.toBe('not_found');

    const other = await newSession();
    await seat(other, 'p-leader');
    await expect(close(other, null, true)).resolves.toBe('terminated');
    await expect(close(randomUUID(), null, true)).resolves.toBe('not_found');
  });
});

// members.sql ------------------------------------------------------------------------------------------------

describe('joinery_invite', () => {
  interface InviteOptions {
    privileged?: boolean;
    team?: number | null;
    overflow?: boolean;
    customData?: Record<string, string>;
    expiresIn?: number;
  }
  const invite = async (session: string, playerId: string, actor: string | null, o: InviteOptions = {}) =>
    (
      await run(
        `SELECT * FROM joinery_invite(p_session => $1, p_player_id => $2, p_actor_id => $3, p_privileged => $4,
                                      p_team => $5, p_overflow => $6, p_custom_data => $7, p_expires_in => $8)`,
        [
          session,
          playerId,
          actor,
          o.privileged ?? false,
          o.team ?? null,
          o.overflow ?? false,
          o.customData ? JSON.stringify(o.customData) : null,
          o.expiresIn ?? 300,
        ],
      )
    )[0];

  it('a member invites a known player: a RESERVED invited seat with a deadline', async () => {
    const session = await newSession({ teamSize: 4 });
    const host = await knownPlayer();
    const guest = await knownPlayer();
    await seat(session, host);
    const invited = await invite(session, guest, host, { customData: { k: 'v' }, expiresIn: 90 });
    expect(invited).toMatchObject({ outcome: 'joined', session_id: session, team_id: 0, seat_role: 'invited' });
    const row = await seatRow(invited.seat_id);
    expect(row).toMatchObject({
      player_id: guest,
      status: 'RESERVED',
      role: 'invited',
      inviting_player_id: host,
      custom_data: { k: 'v' },
      joined_at: null,
    });
    expect(Math.abs((await secondsUntil(row.reserved_until)) - 90)).toBeLessThan(5);
    expect((await sessionRow(session)).player_count).toBe(2);
    // Again: the seat the player holds.
    await expect(invite(session, guest, host)).resolves.toMatchObject({
      outcome: 'existing',
      seat_id: invited.seat_id,
      seat_role: 'invited',
    });
    await expect(invite(session, host, host)).resolves.toMatchObject({ outcome: 'existing', seat_role: 'leader' });
  });

  it('refuses unknown players and non-members; a privileged actor needs no seat', async () => {
    const session = await newSession();
    const host = await knownPlayer();
    const guest = await knownPlayer();
    const outsider = await knownPlayer();
    await seat(session, host);
    await expect(invite(session, randomUUID(), host)).resolves.toMatchObject({ outcome: 'unknown_player' });
    await expect(invite(session, 'not-a-uuid', host)).resolves.toMatchObject({ outcome: 'unknown_player' });
    await expect(invite(session, guest, outsider)).resolves.toMatchObject({ outcome: 'forbidden', seat_id: null });
    await expect(invite(session, guest, null)).resolves.toMatchObject({ outcome: 'forbidden' });
    // An invitee is not a member: it cannot invite.
    await invite(session, guest, host);
    await expect(invite(session, outsider, guest)).resolves.toMatchObject({ outcome: 'forbidden' });
    await expect(invite(session, outsider, null, { privileged: true })).resolves.toMatchObject({
      outcome: 'joined',
      seat_role: 'invited',
    });
    expect((await occupiedSeat(session, outsider)).inviting_player_id).toBeNull();
    await expect(invite(randomUUID(), guest, null, { privileged: true })).resolves.toMatchObject({
      outcome: 'not_found',
    });
  });

  it('a full team overflows to the team with the most room when allowed', async () => {
    const session = await newSession({ teams: 3, teamSize: 1 });
    const host = await knownPlayer();
    const [a, b, c] = [await knownPlayer(), await knownPlayer(), await knownPlayer()];
    await seat(session, host, { team: 0 });
    await expect(invite(session, a, host, { team: 0 })).resolves.toMatchObject({ outcome: 'full', team_id: 0 });
    await expect(invite(session, a, host, { team: 0, overflow: true })).resolves.toMatchObject({
      outcome: 'joined',
      team_id: 1,
    });
    await expect(invite(session, b, host, { team: 9, overflow: true })).resolves.toMatchObject({
      outcome: 'invalid_team',
    });
    await expect(invite(session, b, host, { team: 1, overflow: true })).resolves.toMatchObject({
      outcome: 'joined',
      team_id: 2,
    });
    await expect(invite(session, c, host, { team: 0, overflow: true })).resolves.toMatchObject({ outcome: 'full' });
    await expect(teamCounts(session)).resolves.toEqual([1, 1, 1]);
  });
});

describe('joinery_promote', () => {
  const promote = (session: string, target: string, actor: string | null, privileged = false) =>
    value<string>(`joinery_promote($1, $2, $3, $4)`, [session, target, actor, privileged]);
  const leaders = async (session: string) =>
    (
      await db.query<{ player_id: string }>(
        `SELECT player_id FROM seat WHERE session_id = $1 AND role = 'leader' AND status IN ('RESERVED', 'ACTIVE')`,
        [session],
      )
    ).map((r) => r.player_id);

  it('the leader hands the lead to a member; exactly one leader after', async () => {
    const session = await newSession({ teamSize: 5 });
    await seat(session, 'p-leader');
    await seat(session, 'p-member');
    await seat(session, 'p-other');
    const version = (await sessionRow(session)).version;
    await expect(promote(session, 'p-member', 'p-other')).resolves.toBe('forbidden');
    await expect(leaders(session)).resolves.toEqual(['p-leader']);
    await expect(promote(session, 'p-member', 'p-leader')).resolves.toBe('promoted');
    await expect(leaders(session)).resolves.toEqual(['p-member']);
    expect((await occupiedSeat(session, 'p-leader')).role).toBe('member');
    expect((await sessionRow(session)).version).toBe(version + 1);
    // The leader promoting themselves: nothing to do.
    await expect(promote(session, 'p-member', 'p-member')).resolves.toBe('promoted');
    await expect(promote(session, 'p-other', null, true)).resolves.toBe('promoted');
    await expect(leaders(session)).resolves.toEqual(['p-other']);
  });

  it('promotes a member whose seat is still reserved (a member is RESERVED or ACTIVE)', async () => {
    const session = await newSession({ teamSize: 3 });
    await seat(session, 'p-leader');
    await seat(session, 'p-reserved', { status: 'RESERVED' });
    await expect(promote(session, 'p-reserved', 'p-leader')).resolves.toBe('promoted');
    await expect(leaders(session)).resolves.toEqual(['p-reserved']);
  });

  it('refuses an invitee, a player not in the session, and an ended session', async () => {
    const session = await newSession();
    await seat(session, 'p-leader');
    await seat(session, 'p-guest', { role: 'invited', inviter: 'p-leader' });
    await expect(promote(session, 'p-guest', 'p-leader')).resolves.toBe('not_a_member');
    await expect(promote(session, 'p-nobody', 'p-leader')).resolves.toBe('not_in_session');
    await expect(leaders(session)).resolves.toEqual(['p-leader']);
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(promote(ended, 'p-leader', null, true)).resolves.toBe('not_found');
  });
});

describe('joinery_remove_player', () => {
  const remove = (session: string, target: string, actor: string | null, privileged = false) =>
    value<string>(`joinery_remove_player($1, $2, $3, $4)`, [session, target, actor, privileged]);

  it('who may remove whom: the leader anyone, a player themselves, an inviter their own invitation', async () => {
    const session = await newSession({ teamSize: 8 });
    for (const p of ['p-leader', 'p-a', 'p-b', 'p-c']) await seat(session, p);
    await seat(session, 'p-guest-a', { role: 'invited', inviter: 'p-a' });
    await seat(session, 'p-guest-b', { role: 'invited', inviter: 'p-b' });
    await seat(session, 'p-guest-c', { role: 'invited', inviter: 'p-a' });

    await expect(remove(session, 'p-b', 'p-a')).resolves.toBe('forbidden');
    await expect(remove(session, 'p-guest-b', 'p-a')).resolves.toBe('forbidden');
    await expect(remove(session, 'p-b', null)).resolves.toBe('forbidden');
    await expect(remove(session, 'p-leader', 'p-guest-a')).resolves.toBe('forbidden');
    expect(await seatCount(session)).toBe(7);
    expect((await sessionRow(session)).player_count).toBe(7);

    await expect(remove(session, 'p-guest-a', 'p-a')).resolves.toBe('removed');
    await expect(remove(session, 'p-b', 'p-leader')).resolves.toBe('removed');
    await expect(remove(session, 'p-c', 'p-c')).resolves.toBe('removed');
    await expect(remove(session, 'p-guest-b', 'p-guest-b')).resolves.toBe('removed');
    await expect(remove(session, 'p-guest-c', null, true)).resolves.toBe('removed');
    const left = await db.query(
      `SELECT player_id, status FROM seat WHERE session_id = $1 AND status IN ('RESERVED', 'ACTIVE') ORDER BY player_id`,
      [session],
    );
    expect(left).toEqual([
      { player_id: 'p-a', status: 'ACTIVE' },
      { player_id: 'p-leader', status: 'ACTIVE' },
    ]);
    expect((await sessionRow(session)).player_count).toBe(2);
    expect((await occupiedSeat(session, 'p-a')).role).toBe('member');
    const ended = await db.query(`SELECT DISTINCT status FROM seat WHERE session_id = $1 AND player_id <> ALL($2)`, [
      session,
      ['p-a', 'p-leader'],
    ]);
    expect(ended).toEqual([{ status: 'COMPLETED' }]);
  });

  it('not_in_session for a player without a seat, not_found for an ended session', async () => {
    const session = await newSession();
    await seat(session, 'p-leader');
    await expect(remove(session, 'p-nobody', 'p-leader')).resolves.toBe('not_in_session');
    await expect(remove(session, 'p-leader', 'p-leader')).resolves.toBe('removed');
    // The last member left: the session ended with it.
    expect((await sessionRow(session)).status).toBe('TERMINATED');
    await expect(remove(session, 'p-leader', 'p-leader')).resolves.toBe('not_found');
    await expect(remove(randomUUID(), 'p-leader', null, true)).resolves.toBe('not_found');
  });
});

// Issue 11: player updates, team sizes, the browser, culling, server-created sessions, events ------------------

describe('joinery_update_player', () => {
  const update = (
    session: string,
    player: string,
    actor: string | null,
    privileged: boolean,
    team: number | null,
    data: object | null,
  ) =>
    value<string>(`joinery_update_player($1, $2, $3, $4, $5, $6)`, [
      session,
      player,
      actor,
      privileged,
      team,
      data === null ? null : JSON.stringify(data),
    ]);

  it('moves a player to a team with room and changes custom data; who may is checked', async () => {
    const session = await newSession({ teams: 2, teamSize: 2 });
    await seat(session, 'lead', { team: 0 });
    await seat(session, 'mate', { team: 0 });
    await expect(update(session, 'mate', 'mate', false, 1, { ready: 'yes' })).resolves.toBe('updated');
    await expect(teamCounts(session)).resolves.toEqual([1, 1]);
    expect((await occupiedSeat(session, 'mate')).custom_data).toEqual({ ready: 'yes' });
    await expect(update(session, 'lead', 'mate', false, null, { x: 'y' })).resolves.toBe('forbidden');
    await expect(update(session, 'mate', 'lead', false, 0, null)).resolves.toBe('updated');
    await expect(update(session, 'mate', 'lead', false, 7, null)).resolves.toBe('invalid_team');
    await seat(session, 'third', { team: 1 });
    await seat(session, 'fourth', { team: 1 });
    await expect(update(session, 'mate', null, true, 1, null)).resolves.toBe('full');
    await expect(update(session, 'ghost', null, true, 1, null)).resolves.toBe('not_in_session');
    await expect(update(randomUUID(), 'mate', null, true, 1, null)).resolves.toBe('not_found');
    const kinds = await db.query(`SELECT kind FROM session_event WHERE session_id = $1 ORDER BY id`, [session]);
    expect(kinds.map((k) => k.kind)).toEqual([
      'joined',
      'joined',
      'player_updated',
      'player_updated',
      'joined',
      'joined',
    ]);
  });

  it("refuses a player's own move when the template forbids it, not the leader's", async () => {
    const type = await newTemplate({ autoJoin: false });
    const session = await newSession({ type, teams: 2, teamSize: 2 });
    await seat(session, 'lead', { team: 0 });
    await seat(session, 'mate', { team: 0 });
    await expect(update(session, 'mate', 'mate', false, 1, null)).resolves.toBe('forbidden');
    await expect(update(session, 'mate', 'mate', false, null, { ok: '1' })).resolves.toBe('updated');
    await expect(update(session, 'mate', 'lead', false, 1, null)).resolves.toBe('updated');
  });
});

describe('joinery_resize_teams', () => {
  const resize = (session: string, teams: object[]) =>
    value<string>(`joinery_resize_teams($1, $2)`, [session, JSON.stringify(teams)]);

  it('sets team count and sizes, never below the occupied seats, removing only empty teams', async () => {
    const session = await newSession({ teams: 1, teamSize: 2 });
    await seat(session, 'a');
    await seat(session, 'b');
    await expect(resize(session, [{ max_size: 3 }, { max_size: 3, custom_data: { c: 'blue' } }])).resolves.toBe(
      'resized',
    );
    const teams = await db.query(
      `SELECT team_id, max_size, custom_data FROM session_team WHERE session_id = $1 ORDER BY team_id`,
      [session],
    );
    expect(teams).toEqual([
      { team_id: 0, max_size: 3, custom_data: {} },
      { team_id: 1, max_size: 3, custom_data: { c: 'blue' } },
    ]);
    expect((await sessionRow(session)).max_players).toBe(6);
    await expect(resize(session, [{ max_size: 1 }, {}])).resolves.toBe('below_occupied');
    await db.query(`UPDATE seat SET team_id = 1 WHERE session_id = $1 AND player_id = 'b'`, [session]);
    await db.query(
      `UPDATE session_team SET player_count = CASE team_id WHEN 0 THEN 1 ELSE 1 END WHERE session_id = $1`,
      [session],
    );
    await expect(resize(session, [{ max_size: 3 }])).resolves.toBe('team_not_empty');
    await expect(resize(session, [])).resolves.toBe('no_teams');
    // A new team without a size gets the template's, or 1 for a template-less session.
    await expect(resize(session, [{}, {}, {}])).resolves.toBe('resized');
    expect((await sessionRow(session)).max_players).toBe(7);
  });
});

describe('joinery_set_browser', () => {
  const set = (session: string, listed: boolean, data: object | null, actor: string | null, privileged: boolean) =>
    value<string>(`joinery_set_browser($1, $2, $3, $4, $5)`, [
      session,
      listed,
      data === null ? null : JSON.stringify(data),
      actor,
      privileged,
    ]);

  it('lists and unlists; a player leader only for types that allow it', async () => {
    const session = await newSession();
    await seat(session, 'lead');
    await seat(session, 'mate');
    await expect(set(session, true, { map: 'x' }, 'lead', false)).resolves.toBe('forbidden');
    await expect(set(session, true, { map: 'x' }, 'mate', true)).resolves.toBe('listed');
    let row = await sessionRow(session);
    expect([row.browser_listed, row.browser_custom_data, row.browser_listed_at !== null]).toEqual([
      true,
      { map: 'x' },
      true,
    ]);
    // Once listed, the leader may change the listing; a member may not.
    await expect(set(session, true, { map: 'y' }, 'lead', false)).resolves.toBe('listed');
    await expect(set(session, true, { map: 'z' }, 'mate', false)).resolves.toBe('forbidden');
    await expect(set(session, false, null, 'lead', false)).resolves.toBe('unlisted');
    row = await sessionRow(session);
    expect([row.browser_listed, row.browser_custom_data, row.browser_listed_at]).toEqual([false, {}, null]);
    await expect(set(randomUUID(), true, null, null, true)).resolves.toBe('not_found');
  });
});

describe('culling: joinery_player_seen, joinery_seat_unseen, joinery_cull_players', () => {
  it('culls members not seen past the session timeout; polling keeps the seat', async () => {
    // Whatever earlier tests left to cull goes first.
    for (let n = 1; n > 0;) n = await value<number>(`joinery_cull_players(100)`);
    const session = await newSession({ teamSize: 4 });
    await db.query(`UPDATE game_session SET player_culling_timeout = 30 WHERE id = $1`, [session]);
    await seat(session, 'gone', { role: 'leader' });
    await seat(session, 'here');
    await seat(session, 'invitee', { role: 'invited' });
    await db.query(`UPDATE seat SET last_seen_at = now() - interval '60 s' WHERE session_id = $1`, [session]);
    await expect(
      value(`joinery_seat_unseen('member', 'ACTIVE', now() - interval '60 s', NULL, now(), 30)`),
    ).resolves.toBe(true);
    await expect(
      value(`joinery_seat_unseen('invited', 'RESERVED', now() - interval '60 s', NULL, now(), 30)`),
    ).resolves.toBe(false);
    await expect(
      value(`joinery_seat_unseen('member', 'ACTIVE', now() - interval '10 s', NULL, now(), 30)`),
    ).resolves.toBe(false);
    await expect(
      value(`joinery_seat_unseen('member', 'ACTIVE', now() - interval '60 s', NULL, now(), NULL)`),
    ).resolves.toBe(false);
    await run(`SELECT joinery_player_seen($1, $2)`, ['here', session]);
    expect((await occupiedSeat(session, 'here')).last_seen_at.getTime()).toBeGreaterThan(Date.now() - 10_000);
    await expect(value<number>(`joinery_cull_players(100)`)).resolves.toBe(1);
    expect(await occupiedSeat(session, 'gone')).toBeUndefined();
    expect((await occupiedSeat(session, 'here')).role).toBe('leader');
    expect((await occupiedSeat(session, 'invitee')).role).toBe('invited');
    const [culled] = await db.query(
      `SELECT kind FROM session_event WHERE session_id = $1 AND player_id = 'gone' ORDER BY id DESC LIMIT 1`,
      [session],
    );
    expect(culled.kind).toBe('culled');
    await expect(value<number>(`joinery_cull_players(100)`)).resolves.toBe(0);
  });
});

describe('server-created sessions: joinery_insert_rallyhere_session, joinery_create_session, joinery_keep_min_sessions', () => {
  it('creates sessions of a template, and keeps min_session_count public ones open', async () => {
    const type = await newTemplate({ canCreate: false, public: false, teams: 1, size: 3 });
    await db.query(
      `UPDATE session_template SET config = '{"min_session_count": 2, "auto_add_to_browser": true,
                                             "auto_browser_params": {"mode": "ffa"}, "player_culling_timeout": 30}'
        WHERE session_type = $1`,
      [type],
    );
    const [created] = await run(`SELECT * FROM joinery_create_session($1, 'eu', NULL, 'fleet-sql', 'local')`, [type]);
    expect(created.outcome).toBe('created');
    const row = await sessionRow(created.session_id);
    expect(row).toMatchObject({
      type,
      public: false,
      region_id: 'eu',
      max_players: 3,
      player_count: 0,
      player_culling_timeout: 30,
      browser_listed: true,
      browser_custom_data: { mode: 'ffa' },
    });
    await expect(
      run(`SELECT * FROM joinery_create_session('sql-no-such-type', NULL, NULL, 'fleet-sql', 'local')`),
    ).resolves.toEqual([{ outcome: 'template_not_found', session_id: null }]);
    // Public override of the template's default.
    const id = randomUUID();
    await run(
      `SELECT joinery_insert_rallyhere_session($1, t, NULL, 'fleet-sql', 'local', NULL, true) FROM session_template t WHERE session_type = $2`,
      [id, type],
    );
    expect((await sessionRow(id)).public).toBe(true);
    await expect(teamCounts(id)).resolves.toEqual([0]);

    const open = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM game_session WHERE type = $1 AND public AND status = 'ACTIVE' AND has_room`,
          [type],
        )
      )[0].n;
    await expect(open()).resolves.toBe(1);
    await expect(value<number>(`joinery_keep_min_sessions('fleet-sql', 'local')`)).resolves.toBeGreaterThanOrEqual(1);
    await expect(open()).resolves.toBe(2);
    await value<number>(`joinery_keep_min_sessions('fleet-sql', 'local')`);
    await expect(open()).resolves.toBe(2);
  });
});

describe('events: joinery_emit, joinery_events_for, joinery_prune_events', () => {
  it('appends events with their recipients, in id order, and prunes old ones', async () => {
    const session = await newSession();
    await seat(session, 'ev-a');
    await seat(session, 'ev-b', { role: 'invited' });
    await run(`SELECT joinery_emit($1, 'session_updated', NULL, '{"n": 1}')`, [session]);
    await run(`SELECT joinery_emit($1, 'kicked', 'ev-c', '{}')`, [session]);
    const [last] = await db.query(
      `SELECT recipients, data FROM session_event WHERE session_id = $1 ORDER BY id DESC LIMIT 1`,
      [session],
    );
    expect([...last.recipients].sort()).toEqual(['ev-a', 'ev-b', 'ev-c']);
    const forA = await run(
      `SELECT id::text AS id, kind FROM joinery_events_for('ev-a', 0, 100) WHERE session_id = $1`,
      [session],
    );
    expect(forA.map((e) => e.kind)).toEqual(['joined', 'invited', 'session_updated', 'kicked']);
    const after = await run(`SELECT kind FROM joinery_events_for('ev-a', $1::bigint, 100)`, [forA[1].id]);
    expect(after.map((e) => e.kind).slice(0, 2)).toEqual(['session_updated', 'kicked']);
    const forC = await run(`SELECT kind FROM joinery_events_for('ev-c', 0, 100) WHERE session_id = $1`, [session]);
    expect(forC.map((e) => e.kind)).toEqual(['kicked']);
    await db.query(`UPDATE session_event SET at = now() - interval '2 days' WHERE session_id = $1`, [session]);
    await expect(value<number>(`joinery_prune_events(interval '1 day')`)).resolves.toBeGreaterThanOrEqual(4);
    await expect(db.query(`SELECT 1 FROM session_event WHERE session_id = $1`, [session])).resolves.toEqual([]);
  });
});

describe('events: joinery_defer_events, joinery_flush_events', () => {
  it('keeps deferred events in order until the flush, with the recipients of their moment; a rolled-back part loses its own', async () => {
    const session = await newSession({ keepAlive: true });
    await seat(session, 'df-a');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const sql = async (text: string, params: unknown[] = []) => {
      for (const [name] of text.matchAll(/\bjoinery_[a-z_]+(?=\s*\()/g)) called.add(name);
      return (await client.query(text, params)).rows;
    };
    const count = async () =>
      (await sql(`SELECT count(*)::int AS n FROM session_event WHERE session_id = $1`, [session]))[0].n as number;
    try {
      const before = await count();
      await sql('BEGIN');
      await sql(`SELECT joinery_defer_events()`);
      await sql(`SELECT joinery_emit($1, 'session_updated', NULL, '{"n": 1}')`, [session]);
      await sql(ADD_PLAYER, addParams(session, 'df-b', {}));
      await sql('SAVEPOINT part');
      await sql(`SELECT joinery_emit($1, 'session_updated', NULL, '{"n": 2}')`, [session]);
      await sql('ROLLBACK TO SAVEPOINT part');
      await sql(`SELECT joinery_emit($1, 'kicked', 'df-c', '{"n": 3}')`, [session]);
      expect(await count()).toBe(before);
      await expect(sql(`SELECT joinery_flush_events() AS v`)).resolves.toEqual([{ v: 3 }]);
      await expect(sql(`SELECT joinery_flush_events() AS v`)).resolves.toEqual([{ v: 0 }]);
      await sql('COMMIT');
    } finally {
      await client.end();
    }
    const events = await db.query(
      `SELECT kind, player_id, recipients, data FROM session_event WHERE session_id = $1 ORDER BY id`,
      [session],
    );
    expect(events.slice(-3).map((e) => [e.kind, [...e.recipients].sort(), e.data.n ?? e.data.team_id])).toEqual([
      ['session_updated', ['df-a'], 1],
      ['joined', ['df-a', 'df-b'], 0],
      ['kicked', ['df-a', 'df-b', 'df-c'], 3],
    ]);
  });
});

// game-servers.sql -----------------------------------------------------------------------------------------

/** A compute of a fleet of its own (so that placements of one test never see another's processes). */
async function newCompute(): Promise<{ fleet: string; compute: string }> {
  const fleet = `fleet-gs-${randomBytes(4).toString('hex')}`;
  await db.query(
    `INSERT INTO compute (fleet_id, name, ip_address, dns_name, location) VALUES ($1, 'host', '10.0.0.9', 'h.example', 'loc-a')`,
    [fleet],
  );
  return { fleet, compute: 'host' };
}

const CONNECT = `SELECT * FROM joinery_process_connect($1, $2, $3, $4, 'instance-a', 'Go', '5.6.0')`;

/** A process connected (and, unless told, ready on `port`): its id and current connection. */
async function newProcess(
  at: { fleet: string; compute: string },
  o: { port?: number; ready?: boolean } = {},
): Promise<{ id: string; connection: string; pid: string }> {
  const pid = `pid-${randomUUID()}`;
  const connection = randomUUID();
  const [row] = await run(CONNECT, [at.fleet, at.compute, pid, connection]);
  if (o.ready !== false) {
    await run(`SELECT joinery_process_ready($1, $2, $3, '["/logs"]', 'Go', '5.6.0') AS v`, [
      row.process_id,
      connection,
      o.port ?? 7777,
    ]);
  }
  return { id: row.process_id, connection, pid };
}

/** Collects the pushes notified while `body` runs (delivered at each statement's commit). */
async function pushesDuring(body: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const seen: Record<string, unknown>[] = [];
  listener.on('notification', (n) => seen.push(JSON.parse(n.payload ?? '{}') as Record<string, unknown>));
  await listener.query('LISTEN joinery_sdk_push');
  try {
    await body();
    await listener.query('SELECT 1'); // notifications committed before this round trip have arrived
    return seen;
  } finally {
    await listener.end();
  }
}

async function processRow(id: string): Promise<any> {
  const [row] = await db.query(`SELECT * FROM server_process WHERE id = $1`, [id]);
  return row;
}

async function instanceRow(session: string): Promise<any> {
  const [row] = await db.query(`SELECT * FROM session_instance WHERE session_id = $1`, [session]);
  return row;
}

const PLACE = `SELECT * FROM joinery_place_game_session($1, 180)`;
const placeInput = (fleet: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: fleet, fleet_id: fleet, location: 'loc-a', max_players: 2, ...extra });

describe('game-servers.sql', () => {
  it('joinery_process_connect: a new process, a reconnect (newest socket wins), an ended pID, an unknown compute', async () => {
    const at = await newCompute();
    const first = randomUUID();
    const [created] = await run(CONNECT, [at.fleet, at.compute, 'pid-1', first]);
    expect(created).toMatchObject({ outcome: 'connected', process_status: 'CONNECTED', previous_instance: null });
    const second = randomUUID();
    const pushes = await pushesDuring(async () => {
      const [again] = await run(CONNECT, [at.fleet, at.compute, 'pid-1', second]);
      expect(again).toMatchObject({
        outcome: 'reconnected',
        process_id: created.process_id,
        previous_instance: 'instance-a',
      });
    });
    expect(pushes).toEqual([{ p: created.process_id, a: 'Replaced', c: second }]);
    await expect(processRow(created.process_id)).resolves.toMatchObject({ connection_id: second, connected: true });
    await db.query(`UPDATE server_process SET status = 'TERMINATED' WHERE id = $1`, [created.process_id]);
    await expect(run(CONNECT, [at.fleet, at.compute, 'pid-1', randomUUID()])).resolves.toMatchObject([
      { outcome: 'terminated' },
    ]);
    await expect(run(CONNECT, [at.fleet, 'no-such-host', 'pid-2', randomUUID()])).resolves.toMatchObject([
      { outcome: 'no_compute' },
    ]);
  });

  it('joinery_process_disconnect: only the current socket disconnects the process', async () => {
    const at = await newCompute();
    const process = await newProcess(at);
    await expect(value(`joinery_process_disconnect($1, $2)`, [process.id, randomUUID()])).resolves.toBe(false);
    await expect(value(`joinery_process_disconnect($1, $2)`, [process.id, process.connection])).resolves.toBe(true);
    await expect(processRow(process.id)).resolves.toMatchObject({
      connected: false,
      disconnected_at: expect.any(Date),
    });
    await expect(value(`joinery_process_disconnect($1, $2)`, [process.id, process.connection])).resolves.toBe(false);
  });

  it('joinery_process_ready, joinery_process_heartbeat, joinery_process_idle: ready, health, who may take a session', async () => {
    const at = await newCompute();
    const process = await newProcess(at, { ready: false });
    const ready = `joinery_process_ready($1, $2, 7000, '[]', NULL, NULL)`;
    await expect(value(ready, [process.id, randomUUID()])).resolves.toBe('not_current');
    await expect(value(ready, [randomUUID(), process.connection])).resolves.toBe('not_found');
    await expect(value(ready, [process.id, process.connection])).resolves.toBe('ready');
    await expect(processRow(process.id)).resolves.toMatchObject({
      status: 'ACTIVE',
      healthy: true,
      port: 7000,
      sdk_language: 'Go',
    });
    const idle = async (id: string) =>
      (await run(`SELECT joinery_process_idle(p, 180) AS v FROM server_process p WHERE id = $1`, [id]))[0].v as boolean;
    await expect(idle(process.id)).resolves.toBe(true);
    await expect(value(`joinery_process_heartbeat($1, false)`, [process.id])).resolves.toBe('ok');
    await expect(idle(process.id)).resolves.toBe(false);
    await expect(value(`joinery_process_heartbeat($1, true)`, [process.id])).resolves.toBe('ok');
    await db.query(`UPDATE server_process SET last_heartbeat_at = now() - interval '200 seconds' WHERE id = $1`, [
      process.id,
    ]);
    await expect(idle(process.id)).resolves.toBe(false);
    await expect(value(`joinery_process_heartbeat($1, true)`, [randomUUID()])).resolves.toBe('not_found');
    await db.query(`UPDATE server_process SET status = 'TERMINATED' WHERE id = $1`, [process.id]);
    await expect(value(`joinery_process_heartbeat($1, true)`, [process.id])).resolves.toBe('terminated');
    await expect(value(ready, [process.id, process.connection])).resolves.toBe('terminated');
  });

  it('joinery_place_game_session, joinery_lock_idle_process, joinery_bind_process: one process per session, then no capacity', async () => {
    const at = await newCompute();
    const [p1, p2] = [await newProcess(at, { port: 7001 }), await newProcess(at, { port: 7002 })];
    const placed: any[] = [];
    const pushes = await pushesDuring(async () => {
      for (let i = 0; i < 3; i++) placed.push((await run(PLACE, [placeInput(at.fleet, { name: `s-${i}` })]))[0]);
    });
    expect(placed.map((r) => r.outcome)).toEqual(['placed', 'placed', 'no_capacity']);
    expect(new Set(placed.slice(0, 2).map((r) => r.process_id))).toEqual(new Set([p1.id, p2.id]));
    expect(pushes).toEqual(
      placed.slice(0, 2).map((r) => ({ p: r.process_id, a: 'CreateGameSession', s: r.session_id })),
    );
    const [session] = await db.query(`SELECT * FROM game_session WHERE id = $1`, [placed[0].session_id]);
    const host = placed[0].process_id === p1.id ? 7001 : 7002;
    expect(session).toMatchObject({
      status: 'ACTIVATING',
      ip_address: '10.0.0.9',
      dns_name: 'h.example',
      port: host,
      max_players: 2,
    });
    // Its instance is the process, pending until the server activates it, with the address to connect to.
    await expect(instanceRow(placed[0].session_id)).resolves.toMatchObject({
      instance_id: placed[0].process_id,
      host_type: 'dedicated',
      process_id: placed[0].process_id,
      host_server_id: 'host',
      join_status: 'pending',
      public_conn_str: `10.0.0.9:${host}`,
      private_conn_str: `10.0.0.9:${host}`,
      health: 'healthy',
    });
    // The idempotency token answers the session it created, without another process.
    const p3 = await newProcess(at);
    const token = placeInput(at.fleet, { idempotency_token: 'tok-1' });
    const [first] = await run(PLACE, [token]);
    await expect(run(PLACE, [token])).resolves.toMatchObject([{ outcome: 'existing', session_id: first.session_id }]);
    expect(first.process_id).toBe(p3.id);
    // Another location has no process; the lock and the bind, called alone.
    await expect(run(PLACE, [placeInput(at.fleet, { location: 'loc-b' })])).resolves.toMatchObject([
      { outcome: 'no_capacity' },
    ]);
    const p4 = await newProcess(at, { port: 7004 });
    await expect(value(`joinery_lock_idle_process($1, 'loc-a', 180)`, [at.fleet])).resolves.toBe(p4.id);
    await expect(value(`joinery_lock_idle_process($1, 'loc-b', 180)`, [at.fleet])).resolves.toBeNull();
    const free = await newSession();
    await run(`SELECT joinery_bind_process($1, $2)`, [p4.id, free]);
    await expect(processRow(p4.id)).resolves.toMatchObject({ game_session_id: free });
    await expect(value(`joinery_lock_idle_process($1, NULL, 180)`, [at.fleet])).resolves.toBeNull();
  });

  it('joinery_place_session: an existing session placed once; no capacity, unknown or ended sessions refused', async () => {
    const at = await newCompute();
    const session = await newSession();
    await db.query(`UPDATE game_session SET fleet_id = $2 WHERE id = $1`, [session, at.fleet]);
    const place = `SELECT * FROM joinery_place_session($1, 180, '{"map":"dust"}')`;
    await expect(run(place, [session])).resolves.toMatchObject([{ outcome: 'no_capacity' }]);
    const process = await newProcess(at);
    await expect(run(place, [session])).resolves.toMatchObject([{ outcome: 'placed', process_id: process.id }]);
    await expect(run(place, [session])).resolves.toMatchObject([{ outcome: 'already_placed', process_id: process.id }]);
    const [row] = await db.query(`SELECT status, game_session_data, port FROM game_session WHERE id = $1`, [session]);
    expect(row).toEqual({ status: 'ACTIVE', game_session_data: '{"map":"dust"}', port: 7777 });
    await expect(run(place, [randomUUID()])).resolves.toMatchObject([{ outcome: 'not_found' }]);
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(run(place, [ended])).resolves.toMatchObject([{ outcome: 'invalid_status' }]);
  });

  it('joinery_process_activate_session: only the hosting process activates its session', async () => {
    const at = await newCompute();
    const [host, other] = [await newProcess(at), await newProcess(at)];
    const [placed] = await run(PLACE, [placeInput(at.fleet)]);
    const hostId = placed.process_id;
    const otherId = hostId === host.id ? other.id : host.id;
    const activate = `joinery_process_activate_session($1, $2)`;
    await expect(value(activate, [otherId, placed.session_id])).resolves.toBe('not_this_process');
    await expect(value(activate, [hostId, placed.session_id])).resolves.toBe('activated');
    await expect(value(activate, [hostId, placed.session_id])).resolves.toBe('already_active');
    const [row] = await db.query(`SELECT status FROM game_session WHERE id = $1`, [placed.session_id]);
    expect(row).toEqual({ status: 'ACTIVE' });
    await expect(instanceRow(placed.session_id)).resolves.toMatchObject({ join_status: 'joinable' });
    const kinds = await db.query(`SELECT kind FROM session_event WHERE session_id = $1 ORDER BY id`, [
      placed.session_id,
    ]);
    // (Placed by GameLift with nobody seated, its registration told no one; its activation is recorded.)
    expect(kinds.map((k) => k.kind)).toEqual(['session_activated', 'instance_ready']);
    await db.query(`UPDATE game_session SET status = 'TERMINATED' WHERE id = $1`, [placed.session_id]);
    await expect(value(activate, [hostId, placed.session_id])).resolves.toBe('invalid_status');
  });

  it('joinery_process_end: the process and its session end, seats released; TerminateProcess when asked', async () => {
    const at = await newCompute();
    await newProcess(at);
    const [placed] = await run(PLACE, [placeInput(at.fleet)]);
    await run(`SELECT joinery_process_activate_session($1, $2)`, [placed.process_id, placed.session_id]);
    const player = await seat(placed.session_id, 'gs-player-1');
    const pushes = await pushesDuring(async () => {
      await expect(value(`joinery_process_end($1, 'UNHEALTHY', true)`, [placed.process_id])).resolves.toBe('ended');
    });
    expect(pushes).toEqual([{ p: placed.process_id, a: 'TerminateProcess', t: expect.any(Number) }]);
    await expect(processRow(placed.process_id)).resolves.toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'UNHEALTHY',
      game_session_id: null,
    });
    const [session] = await db.query(`SELECT status, player_count FROM game_session WHERE id = $1`, [
      placed.session_id,
    ]);
    expect(session).toEqual({ status: 'TERMINATED', player_count: 0 });
    await expect(instanceRow(placed.session_id)).resolves.toMatchObject({ join_status: 'closed' });
    await expect(seatRow(player)).resolves.toMatchObject({ status: 'COMPLETED' });
    await expect(value(`joinery_process_end($1, 'X', false)`, [placed.process_id])).resolves.toBe('already_ended');
    await expect(value(`joinery_process_end($1, 'X', false)`, [randomUUID()])).resolves.toBe('not_found');
  });

  it('the session-ended trigger: a hosted session ended another way pushes TerminateProcess to its live process', async () => {
    const at = await newCompute();
    await newProcess(at);
    const [placed] = await run(PLACE, [placeInput(at.fleet)]);
    const pushes = await pushesDuring(async () => {
      await run(`SELECT joinery_terminate_session($1, 'FORCE_TERMINATED')`, [placed.session_id]);
    });
    expect(pushes).toEqual([{ p: placed.process_id, a: 'TerminateProcess', t: expect.any(Number) }]);
    await expect(instanceRow(placed.session_id)).resolves.toMatchObject({ join_status: 'closed' });
  });

  it('joinery_sdk_push, joinery_push_session_update: pushes only for a session its process still hosts', async () => {
    const at = await newCompute();
    const process = await newProcess(at);
    const [placed] = await run(PLACE, [placeInput(at.fleet)]);
    const pushes = await pushesDuring(async () => {
      await run(`SELECT joinery_push_session_update($1)`, [placed.session_id]);
      await run(`SELECT joinery_push_session_update($1)`, [await newSession()]);
      await run(`SELECT joinery_sdk_push($1, 'Custom', '{"x": 1}')`, [process.id]);
    });
    expect(pushes).toEqual([
      { p: process.id, a: 'UpdateGameSession', s: placed.session_id },
      { p: process.id, a: 'Custom', x: 1 },
    ]);
  });

  it('joinery_sweep_processes: quiet, unhealthy, lost and unactivated processes end; healthy ones stay', async () => {
    const at = await newCompute();
    const [quiet, sick, lost, slow, fine] = await Promise.all([1, 2, 3, 4, 5].map(() => newProcess(at)));
    await db.query(`UPDATE server_process SET last_heartbeat_at = now() - interval '100 seconds' WHERE id = $1`, [
      quiet.id,
    ]);
    await db.query(
      `UPDATE server_process SET healthy = false, healthy_at = now() - interval '100 seconds' WHERE id = $1`,
      [sick.id],
    );
    await db.query(
      `UPDATE server_process SET connected = false, disconnected_at = now() - interval '100 seconds' WHERE id = $1`,
      [lost.id],
    );
    const slowSession = await newSession({ status: 'ACTIVATING' });
    await run(`SELECT joinery_bind_process($1, $2)`, [slow.id, slowSession]);
    await db.query(`UPDATE game_session SET created_at = now() - interval '100 seconds' WHERE id = $1`, [slowSession]);
    await expect(value(`joinery_sweep_processes(60, 60, 60, 100)`)).resolves.toBe(4);
    const reasons = await db.query(`SELECT id, status, termination_reason FROM server_process WHERE fleet_id = $1`, [
      at.fleet,
    ]);
    const by = Object.fromEntries(reasons.map((r) => [r.id, [r.status, r.termination_reason]]));
    expect(by[quiet.id]).toEqual(['TERMINATED', 'UNHEALTHY']);
    expect(by[sick.id]).toEqual(['TERMINATED', 'UNHEALTHY']);
    expect(by[lost.id]).toEqual(['TERMINATED', 'LOST']);
    expect(by[slow.id]).toEqual(['TERMINATED', 'ACTIVATION_TIMEOUT']);
    expect(by[fine.id]).toEqual(['ACTIVE', null]);
    await expect(db.query(`SELECT status FROM game_session WHERE id = $1`, [slowSession])).resolves.toEqual([
      { status: 'TERMINATED' },
    ]);
  });

  it('joinery_deregister_compute: its live processes end, then the compute and its tokens go', async () => {
    const at = await newCompute();
    const process = await newProcess(at);
    await db.query(
      `INSERT INTO compute_auth_token (token_digest, fleet_id, compute_name, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')`,
      [randomBytes(32).toString('hex'), at.fleet, at.compute],
    );
    const pushes = await pushesDuring(async () => {
      await expect(value(`joinery_deregister_compute($1, $2)`, [at.fleet, at.compute])).resolves.toBe('deregistered');
    });
    expect(pushes).toEqual([{ p: process.id, a: 'TerminateProcess', t: expect.any(Number) }]);
    await expect(db.query(`SELECT 1 FROM compute WHERE fleet_id = $1`, [at.fleet])).resolves.toEqual([]);
    await expect(db.query(`SELECT 1 FROM compute_auth_token WHERE fleet_id = $1`, [at.fleet])).resolves.toEqual([]);
    await expect(value(`joinery_deregister_compute($1, $2)`, [at.fleet, at.compute])).resolves.toBe('not_found');
  });
});

// instances.sql ------------------------------------------------------------------------------------------------

/** The health config the instance functions take: a check every 10 s, 50% missing unhealthy, 6 in a row unknown. */
const HEALTH = '10, 50, 6';
const REGISTER = `SELECT joinery_register_instance(p_session => $1, p_instance => $2, p_actor_id => $3,
  p_privileged => $4, p_spawn => $5, p_window_seconds => 180, p_cadence => 10, p_missed => 6) AS v`;
const UPDATE_INSTANCE = `SELECT joinery_update_instance($1, $2, $3, $4, $5, $6, $7) AS v`;
const END_INSTANCE = `SELECT joinery_end_instance($1, $2, $3, $4) AS v`;
const HEALTH_CHECK = `SELECT * FROM joinery_instance_health_check($1, $2, $3, $4, $5, $6, ${HEALTH})`;

async function register(
  session: string,
  instance: Record<string, unknown>,
  actor: string | null,
  o: { privileged?: boolean; spawn?: boolean } = {},
): Promise<string> {
  const [row] = await run(REGISTER, [
    session,
    JSON.stringify(instance),
    actor,
    o.privileged ?? false,
    o.spawn ?? false,
  ]);
  return row.v as string;
}

/** The instance's health as reads compute it. */
async function healthOf(session: string): Promise<string> {
  const [row] = await run(
    `SELECT joinery_instance_health(i, p, ${HEALTH}) AS v
       FROM session_instance i LEFT JOIN server_process p ON p.id = i.process_id WHERE i.session_id = $1`,
    [session],
  );
  return row.v as string;
}

async function goneOf(session: string): Promise<boolean> {
  const [row] = await run(
    `SELECT joinery_instance_gone(i, p, 10, 6) AS v
       FROM session_instance i LEFT JOIN server_process p ON p.id = i.process_id WHERE i.session_id = $1`,
    [session],
  );
  return row.v as boolean;
}

/** Moves an instance's clock: its registration and health checks happened `seconds` earlier (no sleeping). */
async function ageInstance(session: string, seconds: number): Promise<void> {
  await db.query(
    `UPDATE session_instance SET created_at = created_at - make_interval(secs => $2),
            last_check_at = last_check_at - make_interval(secs => $2),
            health_checks = ARRAY(SELECT t - make_interval(secs => $2) FROM unnest(health_checks) AS t)
      WHERE session_id = $1`,
    [session, seconds],
  );
}

async function eventsOf(session: string): Promise<{ kind: string; data: any }[]> {
  return db.query(`SELECT kind, data FROM session_event WHERE session_id = $1 ORDER BY id`, [session]);
}

/** A session with a leader seat, on a fleet of its own. */
async function ledSession(leader: string, fleet?: string): Promise<string> {
  const session = await newSession();
  if (fleet) await db.query(`UPDATE game_session SET fleet_id = $2 WHERE id = $1`, [session, fleet]);
  await seat(session, leader, { role: 'leader' });
  return session;
}

describe('instances.sql', () => {
  it('joinery_register_instance: the leader or a privileged actor registers a host; a live instance stays, a closed or gone one is replaced', async () => {
    const session = await ledSession('inst-lead');
    await seat(session, 'inst-member');
    const host = {
      host_type: 'dedicated',
      host_client_id: 'server-client',
      instance_id: 'i-1',
      custom_data: { a: '1' },
    };
    await expect(register(randomUUID(), host, null, { privileged: true })).resolves.toBe('not_found');
    await expect(register(session, host, 'inst-member')).resolves.toBe('forbidden');
    await expect(register(session, host, null)).resolves.toBe('forbidden');
    await expect(register(session, host, null, { privileged: true })).resolves.toBe('registered');
    await expect(instanceRow(session)).resolves.toMatchObject({
      instance_id: 'i-1',
      host_type: 'dedicated',
      host_client_id: 'server-client',
      host_player_id: null,
      process_id: null,
      join_status: 'pending',
      custom_data: { a: '1' },
      health: 'unknown',
      health_checks: [],
    });
    expect((await eventsOf(session)).at(-1)).toEqual({
      kind: 'instance_registered',
      data: { instance_id: 'i-1', host_type: 'dedicated', join_status: 'pending' },
    });
    // A retry gets it back: the same instance id, or the same host naming none; anyone else is refused.
    await expect(register(session, host, null, { privileged: true })).resolves.toBe('existing');
    const { instance_id: _, ...again } = host;
    await expect(register(session, again, null, { privileged: true })).resolves.toBe('existing');
    await expect(register(session, { host_type: 'player', host_player_id: 'inst-lead' }, 'inst-lead')).resolves.toBe(
      'exists',
    );
    // Closed: replaced, from scratch (a new id when none is given).
    await db.query(`UPDATE session_instance SET join_status = 'closed' WHERE session_id = $1`, [session]);
    await expect(register(session, { host_type: 'player', host_player_id: 'inst-lead' }, 'inst-lead')).resolves.toBe(
      'registered',
    );
    const replaced = await instanceRow(session);
    expect(replaced).toMatchObject({ host_type: 'player', host_player_id: 'inst-lead', host_client_id: null });
    expect(replaced.instance_id).toMatch(/^[0-9a-f-]{36}$/);
    // Gone (no health check for 6 cadences): replaced too.
    await expect(register(session, host, null, { privileged: true })).resolves.toBe('exists');
    await ageInstance(session, 61);
    await expect(register(session, host, null, { privileged: true })).resolves.toBe('registered');
    const ended = await newSession({ status: 'TERMINATED' });
    await expect(register(ended, host, null, { privileged: true })).resolves.toBe('not_found');
  });

  it('joinery_register_instance with p_spawn: an idle process of the fleet is allocated and pushed CreateGameSession', async () => {
    const at = await newCompute();
    const session = await ledSession('spawn-lead', at.fleet);
    const request = {
      host_type: 'preallocated',
      startup_params: { map: 'dust', misc_params: '' },
      custom_data: { mode: 'ctf' },
    };
    await expect(register(session, request, 'spawn-lead', { spawn: true })).resolves.toBe('no_capacity');
    await expect(instanceRow(session)).resolves.toBeUndefined();
    const process = await newProcess(at, { port: 7100 });
    const pushes = await pushesDuring(async () => {
      await expect(register(session, request, 'spawn-lead', { spawn: true })).resolves.toBe('spawned');
    });
    expect(pushes).toEqual([{ p: process.id, a: 'CreateGameSession', s: session }]);
    expect((await eventsOf(session)).at(-1)).toEqual({
      kind: 'instance_registered',
      data: { instance_id: process.id, host_type: 'preallocated', join_status: 'pending' },
    });
    await expect(instanceRow(session)).resolves.toMatchObject({
      instance_id: process.id,
      host_type: 'preallocated',
      process_id: process.id,
      host_process_pid: process.pid,
      host_server_id: 'host',
      join_status: 'pending',
      public_conn_str: '10.0.0.9:7100',
      startup_params: { map: 'dust', misc_params: '' },
      custom_data: { mode: 'ctf' },
    });
    await expect(sessionRow(session)).resolves.toMatchObject({
      process_id: process.id,
      port: 7100,
      game_session_data: '{"map": "dust", "misc_params": ""}',
    });
    // Its process is the health: no RallyHere checks needed.
    await expect(healthOf(session)).resolves.toBe('healthy');
    await db.query(`UPDATE server_process SET healthy = false WHERE id = $1`, [process.id]);
    await expect(healthOf(session)).resolves.toBe('unhealthy');
    await expect(goneOf(session)).resolves.toBe(false);
    await db.query(`UPDATE server_process SET status = 'TERMINATED' WHERE id = $1`, [process.id]);
    await expect(goneOf(session)).resolves.toBe(true);
    await expect(healthOf(session)).resolves.toBe('unknown');
  });

  it('joinery_update_instance: the host (or privileged) changes it; an allocated instance must be named by its allocation', async () => {
    const session = await ledSession('upd-lead');
    const change = (
      changes: Record<string, unknown>,
      actor: string | null,
      client: string | null,
      privileged = false,
      allocation: string | null = null,
    ) =>
      run(UPDATE_INSTANCE, [
        session,
        JSON.stringify(changes),
        actor,
        client,
        privileged,
        allocation,
        'arn-of-session',
      ]).then(([r]) => r.v as string);
    await expect(change({ join_status: 'joinable' }, null, 'c', true)).resolves.toBe('no_instance');
    await register(session, { host_type: 'dedicated', host_client_id: 'host-client' }, null, { privileged: true });
    await expect(
      run(UPDATE_INSTANCE, [randomUUID(), '{}', null, 'host-client', false, null, null]),
    ).resolves.toMatchObject([{ v: 'not_found' }]);
    await expect(change({ join_status: 'joinable' }, null, 'other-client')).resolves.toBe('forbidden');
    await expect(change({ join_status: 'joinable' }, 'upd-lead', 'host-client')).resolves.toBe('forbidden');
    await expect(change({ join_status: 'joinable' }, null, 'host-client', false, 'some-allocation')).resolves.toBe(
      'allocation_mismatch',
    );
    const params = { public_conn_str: '198.51.100.7:7777', private_conn_str: '10.1.1.7:7777', custom_data: { t: 's' } };
    await expect(
      change({ join_status: 'joinable', join_params: params, version: '1.2.0', match_id: 'm-1' }, null, 'host-client'),
    ).resolves.toBe('updated');
    await expect(instanceRow(session)).resolves.toMatchObject({
      join_status: 'joinable',
      public_conn_str: '198.51.100.7:7777',
      private_conn_str: '10.1.1.7:7777',
      join_custom_data: { t: 's' },
      version: '1.2.0',
      match_id: 'm-1',
    });
    await expect(change({ join_status: 'joinable' }, null, 'host-client')).resolves.toBe('unchanged');
    await expect(change({ custom_data: { k: 'v' } }, null, 'host-client')).resolves.toBe('updated');
    await expect(instanceRow(session)).resolves.toMatchObject({ custom_data: { k: 'v' }, version: '1.2.0' });
    await expect(change({ join_status: 'closed' }, 'upd-lead', null, true)).resolves.toBe('updated');
    expect((await eventsOf(session)).map((e) => e.kind).slice(-4)).toEqual([
      'instance_registered',
      'instance_ready',
      'instance_updated',
      'instance_ended',
    ]);
    await expect(change({ join_status: 'joinable' }, null, 'host-client')).resolves.toBe('no_instance');
    // A game-server process's instance is allocated: updates name its allocation id.
    const at = await newCompute();
    const placed = await ledSession('upd-lead-2', at.fleet);
    await newProcess(at);
    await register(placed, { host_type: 'dedicated' }, 'upd-lead-2', { spawn: true });
    const onPlaced = (allocation: string | null) =>
      run(UPDATE_INSTANCE, [placed, '{"join_status": "unjoinable"}', null, 'srv', true, allocation, 'arn-placed']).then(
        ([r]) => r.v as string,
      );
    await expect(onPlaced(null)).resolves.toBe('allocation_mismatch');
    await expect(onPlaced('arn-other')).resolves.toBe('allocation_mismatch');
    await expect(onPlaced('arn-placed')).resolves.toBe('updated');
  });

  it('joinery_end_instance: the host closes it, the session stays; a game-server process hosting it ends', async () => {
    const session = await ledSession('end-lead');
    await expect(value(`joinery_end_instance($1, 'end-lead', NULL, false)`, [session])).resolves.toBe('no_instance');
    await register(session, { host_type: 'player', host_player_id: 'end-lead' }, 'end-lead');
    await seat(session, 'end-member');
    await expect(run(END_INSTANCE, [session, 'end-member', null, false])).resolves.toEqual([{ v: 'forbidden' }]);
    await expect(run(END_INSTANCE, [randomUUID(), 'end-lead', null, false])).resolves.toEqual([{ v: 'not_found' }]);
    await expect(run(END_INSTANCE, [session, 'end-lead', null, false])).resolves.toEqual([{ v: 'ended' }]);
    await expect(run(END_INSTANCE, [session, 'end-lead', null, false])).resolves.toEqual([{ v: 'already_ended' }]);
    await expect(instanceRow(session)).resolves.toMatchObject({ join_status: 'closed' });
    await expect(sessionRow(session)).resolves.toMatchObject({ status: 'ACTIVE' });
    expect((await eventsOf(session)).at(-1)).toMatchObject({ kind: 'instance_ended' });
    // On a process: the process is let go of the session, ended and told to terminate; the session stays.
    const at = await newCompute();
    const placed = await ledSession('end-lead-2', at.fleet);
    const process = await newProcess(at);
    await register(placed, { host_type: 'dedicated' }, 'end-lead-2', { spawn: true });
    const pushes = await pushesDuring(async () => {
      await expect(run(END_INSTANCE, [placed, null, 'srv', true])).resolves.toEqual([{ v: 'ended' }]);
    });
    expect(pushes).toEqual([{ p: process.id, a: 'TerminateProcess', t: expect.any(Number) }]);
    await expect(processRow(process.id)).resolves.toMatchObject({
      status: 'TERMINATED',
      termination_reason: 'INSTANCE_ENDED',
      game_session_id: null,
    });
    await expect(sessionRow(placed)).resolves.toMatchObject({ status: 'ACTIVE' });
    await expect(instanceRow(placed)).resolves.toMatchObject({ join_status: 'closed' });
    // Ending a session closes its instance (joinery_end_session_locked).
    const other = await ledSession('end-lead-3');
    await register(other, { host_type: 'dedicated', host_client_id: 'c' }, null, { privileged: true });
    await run(`SELECT joinery_terminate_session($1, 'X')`, [other]);
    await expect(instanceRow(other)).resolves.toMatchObject({ join_status: 'closed' });
  });

  it('joinery_instance_health_check, joinery_instance_health, joinery_instance_gone, joinery_instance_host: checks make the health; silence makes it unhealthy, then unknown', async () => {
    const session = await ledSession('hc-lead');
    await register(session, { host_type: 'dedicated', host_client_id: 'hc-client', instance_id: 'hc-1' }, null, {
      privileged: true,
    });
    const check = (health: string, client = 'hc-client', instance = 'hc-1', privileged = false) =>
      run(HEALTH_CHECK, [session, instance, health, null, client, privileged]).then(([r]) => r);
    await expect(run(HEALTH_CHECK, [randomUUID(), 'hc-1', 'healthy', null, 'hc-client', false])).resolves.toEqual([
      { outcome: 'not_found', health: null },
    ]);
    await expect(check('healthy', 'hc-client', 'hc-2')).resolves.toEqual({ outcome: 'no_instance', health: null });
    await expect(check('healthy', 'someone-else')).resolves.toEqual({ outcome: 'forbidden', health: null });
    // Before any check: unknown. The first check: its own status (no check was expected yet).
    await expect(healthOf(session)).resolves.toBe('unknown');
    await expect(check('healthy')).resolves.toEqual({ outcome: 'ok', health: 'healthy' });
    expect((await eventsOf(session)).at(-1)).toEqual({
      kind: 'instance_health_changed',
      data: { instance_id: 'hc-1', instance_health: 'healthy', previous: 'unknown' },
    });
    await expect(check('degraded', 'x', 'hc-1', true)).resolves.toEqual({ outcome: 'ok', health: 'degraded' });
    await expect(check('healthy')).resolves.toEqual({ outcome: 'ok', health: 'healthy' });
    // Checks every 10 s for a minute: healthy. (Each check recorded, then the clock moved a cadence.)
    await db.query(`UPDATE session_instance SET health_checks = '{}' WHERE session_id = $1`, [session]);
    for (let n = 0; n < 6; n++) {
      await check('healthy');
      await ageInstance(session, 10);
    }
    await expect(instanceRow(session)).resolves.toMatchObject({ health_checks: expect.any(Array) });
    expect((await instanceRow(session)).health_checks).toHaveLength(6);
    await expect(healthOf(session)).resolves.toBe('healthy');
    // The host stops: 20 s after its last check 2 of the 6 checks expected in the window are missing (still
    // healthy), 30 s after 3 (unhealthy).
    await ageInstance(session, 10);
    await expect(healthOf(session)).resolves.toBe('healthy');
    await ageInstance(session, 10);
    await expect(healthOf(session)).resolves.toBe('unhealthy');
    await expect(goneOf(session)).resolves.toBe(false);
    // 6 checks in a row missing (the last was 60 s ago): unknown, and gone.
    await ageInstance(session, 30);
    await expect(healthOf(session)).resolves.toBe('unknown');
    await expect(goneOf(session)).resolves.toBe(true);
    // Back: the first check is answered unhealthy (too few checks in the window), though it says healthy.
    await expect(check('healthy')).resolves.toEqual({ outcome: 'ok', health: 'unhealthy' });
    // A host that never checks: unhealthy once a check was expected, unknown after 6 cadences.
    const silent = await ledSession('hc-lead-2');
    await register(silent, { host_type: 'player', host_player_id: 'hc-lead-2' }, 'hc-lead-2');
    await ageInstance(silent, 15);
    await expect(healthOf(silent)).resolves.toBe('unhealthy');
    await ageInstance(silent, 50);
    await expect(healthOf(silent)).resolves.toBe('unknown');
    // Closed: unknown, gone, and no more checks.
    await db.query(`UPDATE session_instance SET join_status = 'closed' WHERE session_id = $1`, [session]);
    await expect(healthOf(session)).resolves.toBe('unknown');
    await expect(check('healthy')).resolves.toEqual({ outcome: 'no_instance', health: null });
    // Who is the host.
    const host = (player: string | null, client: string | null, privileged: boolean) =>
      run(`SELECT joinery_instance_host(i, $2, $3, $4) AS v FROM session_instance i WHERE session_id = $1`, [
        silent,
        player,
        client,
        privileged,
      ]).then(([r]) => r.v as boolean);
    await expect(host('hc-lead-2', null, false)).resolves.toBe(true);
    await expect(host('hc-lead', null, false)).resolves.toBe(false);
    await expect(host(null, 'hc-lead-2', false)).resolves.toBe(false);
    await expect(host(null, null, true)).resolves.toBe(true);
  });

  it('joinery_sweep_instances: a health change no check made is recorded and sent as an event, once', async () => {
    const session = await ledSession('sw-lead');
    await register(session, { host_type: 'dedicated', host_client_id: 'sw', instance_id: 'sw-1' }, null, {
      privileged: true,
    });
    await run(HEALTH_CHECK, [session, 'sw-1', 'healthy', null, 'sw', false]);
    await ageInstance(session, 45);
    await expect(value<number>(`joinery_sweep_instances(${HEALTH}, 1000)`)).resolves.toBeGreaterThanOrEqual(1);
    await expect(instanceRow(session)).resolves.toMatchObject({ health: 'unhealthy' });
    await expect(value<number>(`joinery_sweep_instances(${HEALTH}, 1000)`)).resolves.toBe(0);
    await ageInstance(session, 30);
    await expect(value<number>(`joinery_sweep_instances(${HEALTH}, 1000)`)).resolves.toBe(1);
    expect((await eventsOf(session)).filter((e) => e.kind === 'instance_health_changed').map((e) => e.data)).toEqual([
      { instance_id: 'sw-1', instance_health: 'healthy', previous: 'unknown' },
      { instance_id: 'sw-1', instance_health: 'unhealthy', previous: 'healthy' },
      { instance_id: 'sw-1', instance_health: 'unknown', previous: 'unhealthy' },
    ]);
  });
});

// Constraints and completeness -------------------------------------------------------------------------------

describe('schema', () => {
  it('the capacity CHECK constraints refuse counts over capacity or below zero', async () => {
    const session = await newSession({ teamSize: 2 });
    for (const [sql, constraint] of [
      [`UPDATE game_session SET player_count = 3 WHERE id = $1`, 'ck_game_session_capacity'],
      [`UPDATE game_session SET player_count = -1 WHERE id = $1`, 'ck_game_session_capacity'],
      [`UPDATE session_team SET player_count = 3 WHERE session_id = $1`, 'ck_session_team_capacity'],
      [`UPDATE session_team SET player_count = -1 WHERE session_id = $1`, 'ck_session_team_capacity'],
    ]) {
      await expect(db.query(sql, [session])).rejects.toMatchObject({ code: '23514', constraint });
    }
  });
});

describe('completeness', () => {
  it('every joinery_* function in the database is tested by this file', async () => {
    const rows = await db.query<{ name: string }>(
      `SELECT DISTINCT proname AS name FROM pg_proc
        WHERE pronamespace = current_schema()::regnamespace AND proname LIKE 'joinery\\_%' ORDER BY 1`,
    );
    const present = rows.map((r) => r.name);
    expect(present.filter((name) => !COVERED.includes(name))).toEqual([]);
    expect(COVERED.filter((name) => !present.includes(name))).toEqual([]);
    // The list is honest: each covered function was called by name by a test above.
    expect(COVERED.filter((name) => !called.has(name))).toEqual([]);
  });
});
