import type pg from 'pg';

/** The tables the fill writes, and whose foreign keys it sets aside while it writes. */
const FILLED = ['game_session', 'session_team', 'seat'];

export interface FillOptions {
  /** Ended sessions to write, spread evenly over `types` × `regions`. */
  sessions: number;
  /** Completed seats to write, spread evenly over the sessions (player k into session k mod sessions). */
  seats: number;
  types: string[];
  regions: string[];
  /** The seats' players, in turn: the players the scenario then seats, so that they come with a history. */
  players: string[];
  fleetId: string;
}

/**
 * Fills the database with the history a service has after a while: `sessions` TERMINATED sessions of the given
 * types, created over the last 30 days, each with its team and `seats / sessions` COMPLETED seats (the first its
 * leader), all by SQL in one transaction (generate_series). The foreign keys of the three tables are dropped at
 * its start and added back, validated, before it commits: PostgreSQL then checks them in one join instead of
 * one look-up per row (half the time here); no other transaction ever sees the tables without them. Then
 * `VACUUM ANALYZE` of the three tables, as autovacuum would have done while the history accumulated, and a
 * `CHECKPOINT`.
 */
export async function fillLargeDatabase(
  pool: pg.Pool,
  options: FillOptions,
): Promise<{ sizesMiB: Record<string, number>; checkpoint: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: keys } = await client.query<{ tbl: string; name: string; def: string }>(
      `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::regclass[])`,
      [FILLED],
    );
    for (const key of keys) await client.query(`ALTER TABLE ${key.tbl} DROP CONSTRAINT "${key.name}"`);
    await client.query(
      `CREATE TEMP TABLE bench_fill_session (n integer, id uuid, type text, region text, created_at timestamptz)
         ON COMMIT DROP`,
    );
    await client.query(
      `INSERT INTO bench_fill_session
       SELECT n, gen_random_uuid() AS id,
              ($2::text[])[n % cardinality($2::text[]) + 1] AS type,
              ($3::text[])[(n / cardinality($2::text[])) % cardinality($3::text[]) + 1] AS region,
              now() - interval '30 days' + n * (interval '30 days' / $1::int) AS created_at
         FROM generate_series(0, $1::int - 1) AS n`,
      [options.sessions, options.types, options.regions],
    );
    await client.query(
      `INSERT INTO game_session (id, type, status, public, region_id, fleet_id, location, max_players, player_count,
                                 cp_families_all, cp_required_families, cp_inputs_any, cp_inputs_allowed,
                                 keep_alive_on_empty, created_via, version, created_at, updated_at, terminated_at)
       SELECT id, type, 'TERMINATED', true, region, $1, region, 8, 0,
              joinery_cp_all_families(), 0, 0, joinery_cp_all_inputs(),
              false, 'rallyhere', 10, created_at, created_at + interval '20 minutes', created_at + interval '20 minutes'
         FROM bench_fill_session ORDER BY n`,
      [options.fleetId],
    );
    await client.query(
      `INSERT INTO session_team (session_id, team_id, max_size, player_count)
       SELECT id, 0, 8, 0 FROM bench_fill_session ORDER BY n`,
    );
    await client.query(
      `INSERT INTO seat (session_id, team_id, player_id, status, role, client_version, platform, input,
                         created_at, joined_at, last_seen_at, ended_at)
       SELECT s.id, 0, ($3::text[])[k % cardinality($3::text[]) + 1], 'COMPLETED',
              CASE WHEN k < $2::int THEN 'leader' ELSE 'member' END, '1.0.0', 'Steam', 'keyboardandmouse',
              s.created_at, s.created_at, s.created_at + interval '20 minutes', s.created_at + interval '20 minutes'
         FROM generate_series(0, $1::int - 1) AS k
         JOIN bench_fill_session s ON s.n = k % $2::int
        ORDER BY s.n`,
      [options.seats, options.sessions, options.players],
    );
    for (const key of keys) await client.query(`ALTER TABLE ${key.tbl} ADD CONSTRAINT "${key.name}" ${key.def}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  await pool.query(`VACUUM ANALYZE ${FILLED.join(', ')}`);
  // The fill's hundreds of megabytes of dirty pages would otherwise be written out by the next checkpoint, in the
  // middle of the first run after it (a database that grew over weeks has no such backlog). CHECKPOINT needs
  // superuser or pg_checkpoint: without, the report says so.
  let checkpoint = true;
  await pool.query('CHECKPOINT').catch(() => (checkpoint = false));
  const { rows } = await pool.query<{ tbl: string; bytes: string }>(
    `SELECT t AS tbl, pg_total_relation_size(t::regclass) AS bytes FROM unnest($1::text[]) AS t`,
    [FILLED],
  );
  return { sizesMiB: Object.fromEntries(rows.map((r) => [r.tbl, Math.round(Number(r.bytes) / 2 ** 20)])), checkpoint };
}

/**
 * Shared buffers (hit or read) that each of these players' create-or-join touches, one after the other on one
 * connection, measured by `EXPLAIN (ANALYZE, BUFFERS)` of the function call (which counts the buffers of every
 * statement inside it). The joins are real: the players take seats in the type. Run before and after the fill
 * on a type of its own, it shows whether a join's cost grows with the history, free of the machine's noise.
 */
export async function probeJoins(
  pool: pg.Pool,
  type: string,
  region: string,
  columns: Record<string, unknown>,
  playerIds: string[],
  fleetId: string,
  location: string,
): Promise<number[]> {
  const client = await pool.connect();
  try {
    const blocks: number[] = [];
    for (const playerId of playerIds) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
         SELECT * FROM joinery_create_or_join(p_type => $1, p_region => $2, p_team => NULL, p_player => $3,
                                              p_password_digest => NULL, p_fleet_id => $4, p_location => $5)`,
        [type, region, { ...columns, player_id: playerId }, fleetId, location],
      );
      const plan = rows[0]['QUERY PLAN'][0].Plan;
      blocks.push(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']);
    }
    return blocks;
  } finally {
    client.release();
  }
}
