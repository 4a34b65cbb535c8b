import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FUNCTIONS as SESSION_FUNCTIONS } from './1795320100000-sessions.js';

/**
 * Three findings of the benchmark (bench/), same behaviour:
 *
 * 1. An index for "the player's occupied seats". Create-or-join first looks
 *    for the seat the player already holds in a session of the type
 *    (`seat.player_id = $1 AND status IN ('RESERVED', 'ACTIVE')`). The planner
 *    answered it by scanning the whole partial unique index on
 *    (session_id, player_id), whose predicate matches, by its second column:
 *    every join cost time in proportion to the number of occupied seats
 *    (1-2 ms at 20 000 seats; PostgreSQL alone fell from 2 100 to 1 250
 *    joins/s as the table grew). With this index the look-up is one index
 *    probe, and joins/s no longer depend on the table's size (3 000 joins/s at
 *    120 000 seats, pgbench, 32 clients, this 2-core machine). And the
 *    look-up now starts from the player's seats whatever the statistics say:
 *    for a type the last ANALYZE never saw (a new type at launch), the
 *    planner walked every session of the type instead (joins of a new type
 *    got 4x slower within a 10 s benchmark).
 *
 * 2. Session updates that stay on their page (HOT). Every join updates its
 *    session row (counts, crossplay aggregates, version). The open-sessions
 *    index had `player_count < max_players` in its predicate, so every update
 *    changed an indexed column: a new entry in each of the table's indexes
 *    per join, and dead row versions only VACUUM could clear (47 000 dead
 *    versions for 6 000 sessions after a short benchmark, slowing every
 *    search of a hot type). The predicate now reads a stored generated column,
 *    `has_room`, which changes only when a session fills up or frees its last
 *    seat; other updates are heap-only, pruned in place, and the table keeps
 *    20% of each page free for them (fillfactor 80). The index is now on
 *    (type, created_at, id), the search's order: on (type, region_id,
 *    created_at) a search without region needed a sort, and with statistics
 *    missing or stale (a new database under load, before its first ANALYZE)
 *    the planner preferred the index of all sessions of the type and walked
 *    every one of them (3 ms per join at 2 000 sessions, instead of 0.05 ms).
 *
 * 3. `joinery_create_or_join` without a deadlock found on one hot session
 *    type (`deadlock detected`, one joiner in a few hundred, answered after
 *    `deadlock_timeout`).
 *
 * The cause: `SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED` may lock an open
 * session whose re-check then fails (another join filled it meanwhile). The
 * row is not returned, but its lock stays until the end of the transaction.
 * The joiner then found nothing and waited for the type's creation lock,
 * while the creation-lock holder, whose snapshot still saw that session as
 * open, waited for the joiner's row lock: a cycle.
 *
 * Now the skip-locked look-up runs in a subtransaction that is rolled back
 * when it finds nothing, which releases any row it locked and rejected, so a
 * joiner never waits for the creation lock while holding a row lock. When it
 * finds a session the subtransaction is kept, and so is the lock.
 */
export class Perf1795320300000 implements MigrationInterface {
  name = 'Perf1795320300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX ix_seat_player_occupied ON seat (player_id, created_at) WHERE status IN ('RESERVED', 'ACTIVE')`,
    );
    await queryRunner.query(`ALTER TABLE game_session SET (fillfactor = 80)`);
    await queryRunner.query(
      `ALTER TABLE game_session ADD COLUMN has_room boolean GENERATED ALWAYS AS (player_count < max_players) STORED`,
    );
    await queryRunner.query(`DROP INDEX ix_game_session_open`);
    // (type, created_at, id): the search's own order, with or without a region (a filter over the few open
    // sessions of a type), so no other index of the type can look cheaper, whatever the statistics say.
    await queryRunner.query(`
      CREATE INDEX ix_game_session_open ON game_session (type, created_at, id)
      WHERE status = 'ACTIVE' AND public AND creation_policy = 'ACCEPT_ALL' AND password_digest IS NULL AND has_room`);
    await queryRunner.query(CREATE_OR_JOIN);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ix_seat_player_occupied`);
    await queryRunner.query(`DROP INDEX ix_game_session_open`);
    await queryRunner.query(`
      CREATE INDEX ix_game_session_open ON game_session (type, region_id, created_at)
      WHERE status = 'ACTIVE' AND public AND creation_policy = 'ACCEPT_ALL' AND password_digest IS NULL
        AND player_count < max_players`);
    const start = SESSION_FUNCTIONS.indexOf('CREATE FUNCTION joinery_create_or_join(');
    const end = SESSION_FUNCTIONS.indexOf('$fn$;', start) + '$fn$;'.length;
    await queryRunner.query(
      SESSION_FUNCTIONS.slice(start, end).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
    );
  }
}

const CREATE_OR_JOIN = `
CREATE OR REPLACE FUNCTION joinery_create_or_join(
  p_type text, p_region text, p_team integer, p_player_id text, p_client_version text, p_platform text,
  p_input text, p_permitted_platform text, p_permitted_input text, p_cp_family integer, p_cp_input integer,
  p_cp_required integer, p_cp_allowed integer, p_custom_data jsonb, p_password text, p_fleet_id text,
  p_location text)
RETURNS TABLE (outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  t session_template%ROWTYPE;
  v_session uuid;
  v_existing record;
BEGIN
  -- Serialises one player's joins, so that retries and double clicks get one seat.
  PERFORM pg_advisory_xact_lock(hashtextextended('joinery:player:' || p_player_id, 0));

  -- The player's own seats first (a handful, one index probe), each checked by primary key,
  -- whatever the statistics say about the type: with them stale or missing, the planner would
  -- otherwise walk every session of the type looking for this player.
  SELECT s.session_id, s.team_id, s.id, s.role INTO v_existing
    FROM seat s
    CROSS JOIN LATERAL (SELECT 1 FROM game_session g
                         WHERE g.id = s.session_id AND g.type = p_type AND g.status = 'ACTIVE' LIMIT 1) AS of_type
   WHERE s.player_id = p_player_id AND s.status IN ('RESERVED', 'ACTIVE') AND s.role IN ('leader', 'member')
   ORDER BY s.created_at
   LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT 'existing'::text, v_existing.session_id, v_existing.team_id, v_existing.id, v_existing.role;
    RETURN;
  END IF;

  SELECT * INTO t FROM session_template WHERE session_type = p_type;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'template_not_found'::text, NULL::uuid, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF p_team IS NOT NULL AND p_team >= t.num_teams THEN
    RETURN QUERY SELECT 'invalid_team'::text, NULL::uuid, p_team, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  IF t.attempt_auto_join THEN
    -- A subtransaction: rolled back when nothing is found, so that rows locked and then rejected
    -- on re-check are released before this joiner waits for the creation lock below.
    BEGIN
      SELECT g.id INTO v_session FROM game_session g
       WHERE g.type = p_type AND g.status = 'ACTIVE' AND g.public AND g.creation_policy = 'ACCEPT_ALL'
         AND g.password_digest IS NULL AND g.has_room
         AND (p_region IS NULL OR g.region_id = p_region)
         AND joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any, g.cp_inputs_allowed,
                                 p_cp_family, p_cp_input, p_cp_required, p_cp_allowed)
         AND (p_team IS NULL OR EXISTS (SELECT 1 FROM session_team st
                                         WHERE st.session_id = g.id AND st.team_id = p_team AND st.player_count < st.max_size))
         AND NOT EXISTS (SELECT 1 FROM seat x WHERE x.session_id = g.id AND x.player_id = p_player_id
                                               AND x.status IN ('RESERVED', 'ACTIVE'))
       ORDER BY g.created_at, g.id
       LIMIT 1
       FOR UPDATE OF g SKIP LOCKED;
      IF v_session IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'JNR01';
      END IF;
    EXCEPTION WHEN SQLSTATE 'JNR01' THEN
      v_session := NULL;
    END;

    IF v_session IS NULL THEN
      PERFORM pg_advisory_xact_lock(hashtextextended('joinery:create:' || p_type || ':' || coalesce(p_region, ''), 0));
      SELECT g.id INTO v_session FROM game_session g
       WHERE g.type = p_type AND g.status = 'ACTIVE' AND g.public AND g.creation_policy = 'ACCEPT_ALL'
         AND g.password_digest IS NULL AND g.has_room
         AND (p_region IS NULL OR g.region_id = p_region)
         AND joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any, g.cp_inputs_allowed,
                                 p_cp_family, p_cp_input, p_cp_required, p_cp_allowed)
         AND (p_team IS NULL OR EXISTS (SELECT 1 FROM session_team st
                                         WHERE st.session_id = g.id AND st.team_id = p_team AND st.player_count < st.max_size))
         AND NOT EXISTS (SELECT 1 FROM seat x WHERE x.session_id = g.id AND x.player_id = p_player_id
                                               AND x.status IN ('RESERVED', 'ACTIVE'))
       ORDER BY g.created_at, g.id
       LIMIT 1
       FOR UPDATE OF g;
    END IF;

    IF v_session IS NOT NULL THEN
      RETURN QUERY SELECT * FROM joinery_add_player(
        v_session, p_team, 'ACTIVE', 'member', p_player_id, NULL, NULL, p_client_version, p_platform, p_input,
        p_permitted_platform, p_permitted_input, p_cp_family, p_cp_input, p_cp_required, p_cp_allowed,
        p_custom_data, NULL);
      RETURN;
    END IF;
  END IF;

  IF NOT t.can_be_created_by_players_directly THEN
    RETURN QUERY SELECT CASE WHEN t.attempt_auto_join THEN 'no_session_available' ELSE 'creation_not_allowed' END::text,
                        NULL::uuid, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  v_session := gen_random_uuid();
  INSERT INTO game_session (id, type, public, region_id, fleet_id, location, max_players, keep_alive_on_empty,
                            password_digest, created_via)
  VALUES (v_session, p_type, t.default_public, p_region, p_fleet_id, coalesce(p_region, p_location),
          t.num_teams * t.players_per_team, t.keep_alive_on_empty, joinery_password_digest(v_session, p_password),
          'rallyhere');
  INSERT INTO session_team (session_id, team_id, max_size)
  SELECT v_session, n, t.players_per_team FROM generate_series(0, t.num_teams - 1) AS n;

  RETURN QUERY SELECT CASE WHEN a.outcome = 'joined' THEN 'created' ELSE a.outcome END, a.session_id, a.team_id,
                      a.seat_id, a.seat_role
    FROM joinery_add_player(v_session, coalesce(p_team, 0), 'ACTIVE', 'leader', p_player_id, NULL, NULL,
                            p_client_version, p_platform, p_input, p_permitted_platform, p_permitted_input,
                            p_cp_family, p_cp_input, p_cp_required, p_cp_allowed, p_custom_data, NULL) a;
END
$fn$;
`;
