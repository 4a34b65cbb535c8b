import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session templates, sessions (RallyHere sessions and GameLift game sessions
 * are the same rows), teams and seats (RallyHere session players and
 * GameLift player sessions are the same rows), and the SQL functions that
 * are the only writers of seat state.
 *
 * Locking rule: a session's row lock guards its teams and seats. Every
 * function that changes seats locks the session row first (after, at most,
 * the joining player's advisory lock), so there is one lock order.
 * CHECK constraints backstop the capacity rule.
 */
export class Sessions1795320100000 implements MigrationInterface {
  name = 'Sessions1795320100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE session_template (
        session_type                       text PRIMARY KEY CHECK (session_type ~ '^[A-Za-z0-9._:-]{1,128}$'),
        config                             jsonb NOT NULL,
        can_be_created_by_players_directly boolean NOT NULL,
        attempt_auto_join                  boolean NOT NULL,
        default_public                     boolean NOT NULL,
        keep_alive_on_empty                boolean NOT NULL,
        can_change_own_team                boolean NOT NULL,
        num_teams                          integer NOT NULL CHECK (num_teams BETWEEN 1 AND 50),
        players_per_team                   integer NOT NULL CHECK (players_per_team BETWEEN 1 AND 100),
        source                             text NOT NULL DEFAULT 'file' CHECK (source IN ('file', 'admin')),
        version                            integer NOT NULL DEFAULT 1,
        created_at                         timestamptz NOT NULL DEFAULT now(),
        updated_at                         timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE game_session (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type                 text NOT NULL,
        status               text NOT NULL DEFAULT 'ACTIVE'
                             CHECK (status IN ('ACTIVATING', 'ACTIVE', 'TERMINATING', 'TERMINATED', 'ERROR')),
        status_reason        text,
        public               boolean NOT NULL,
        joinable_friends     boolean NOT NULL DEFAULT false,
        joinable_platform    boolean NOT NULL DEFAULT true,
        region_id            text,
        fleet_id             text NOT NULL,
        location             text NOT NULL,
        name                 text,
        creator_id           text,
        game_properties      jsonb NOT NULL DEFAULT '[]',
        game_session_data    text,
        matchmaker_data      text,
        custom_data          jsonb NOT NULL DEFAULT '{}',
        creation_policy      text NOT NULL DEFAULT 'ACCEPT_ALL' CHECK (creation_policy IN ('ACCEPT_ALL', 'DENY_ALL')),
        max_players          integer NOT NULL CHECK (max_players >= 1),
        player_count         integer NOT NULL DEFAULT 0,
        cp_families_all      integer NOT NULL DEFAULT 3,
        cp_required_families integer NOT NULL DEFAULT 0,
        cp_inputs_any        integer NOT NULL DEFAULT 0,
        cp_inputs_allowed    integer NOT NULL DEFAULT 7,
        keep_alive_on_empty  boolean NOT NULL,
        password_digest      text,
        idempotency_token    text,
        ip_address           text,
        dns_name             text,
        port                 integer,
        created_via          text NOT NULL CHECK (created_via IN ('rallyhere', 'gamelift', 'admin')),
        version              integer NOT NULL DEFAULT 1,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        terminated_at        timestamptz,
        CONSTRAINT ck_game_session_capacity CHECK (player_count >= 0 AND player_count <= max_players)
      )`);
    // The create-or-join candidates: open, public, with a free seat. Rows leave the index as they fill.
    await queryRunner.query(`
      CREATE INDEX ix_game_session_open ON game_session (type, region_id, created_at)
      WHERE status = 'ACTIVE' AND public AND creation_policy = 'ACCEPT_ALL' AND password_digest IS NULL
        AND player_count < max_players`);
    await queryRunner.query(`CREATE INDEX ix_game_session_fleet ON game_session (fleet_id, created_at)`);
    await queryRunner.query(`CREATE INDEX ix_game_session_type ON game_session (type, status, created_at)`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX uq_game_session_idempotency ON game_session (fleet_id, idempotency_token)
      WHERE idempotency_token IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE session_team (
        session_id   uuid NOT NULL REFERENCES game_session(id) ON DELETE CASCADE,
        team_id      integer NOT NULL CHECK (team_id >= 0),
        max_size     integer NOT NULL CHECK (max_size BETWEEN 1 AND 200),
        player_count integer NOT NULL DEFAULT 0,
        custom_data  jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (session_id, team_id),
        CONSTRAINT ck_session_team_capacity CHECK (player_count >= 0 AND player_count <= max_size)
      )`);

    await queryRunner.query(`
      CREATE TABLE seat (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id           uuid NOT NULL,
        team_id              integer NOT NULL,
        player_id            text NOT NULL CHECK (length(player_id) BETWEEN 1 AND 1024),
        status               text NOT NULL CHECK (status IN ('RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT')),
        role                 text NOT NULL DEFAULT 'member' CHECK (role IN ('leader', 'member', 'invited', 'reserved')),
        player_data          text CHECK (length(player_data) <= 2048),
        client_version       text,
        platform             text,
        input                text,
        permitted_platform   text,
        permitted_input      text,
        cp_family            integer,
        cp_input             integer,
        cp_required_families integer,
        cp_allowed_inputs    integer,
        custom_data          jsonb NOT NULL DEFAULT '{}',
        inviting_player_id   text,
        reserved_until       timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        joined_at            timestamptz,
        ended_at             timestamptz,
        FOREIGN KEY (session_id, team_id) REFERENCES session_team(session_id, team_id) ON DELETE CASCADE
      )`);
    // One occupied seat per player per session, whatever the protocol that asked for it.
    await queryRunner.query(`
      CREATE UNIQUE INDEX uq_seat_player_in_session ON seat (session_id, player_id)
      WHERE status IN ('RESERVED', 'ACTIVE')`);
    await queryRunner.query(`CREATE INDEX ix_seat_player ON seat (player_id, created_at)`);
    await queryRunner.query(`CREATE INDEX ix_seat_session ON seat (session_id, created_at)`);
    await queryRunner.query(`
      CREATE INDEX ix_seat_reservation_deadline ON seat (reserved_until)
      WHERE status = 'RESERVED' AND reserved_until IS NOT NULL`);

    await queryRunner.query(FUNCTIONS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of [
      'joinery_sweep_reservations(integer)',
      'joinery_terminate_session(uuid, text)',
      'joinery_accept_seat(uuid)',
      'joinery_release_seat(uuid, text)',
      'joinery_join_session(uuid, integer, text, text, text, text, text, text, integer, integer, integer, integer, jsonb, text)',
      'joinery_reserve_seats(uuid, text[], text[], integer)',
      'joinery_create_or_join(text, text, integer, text, text, text, text, text, text, integer, integer, integer, integer, jsonb, text, text, text)',
      'joinery_add_player(uuid, integer, text, text, text, timestamptz, text, text, text, text, text, text, integer, integer, integer, integer, jsonb, text)',
      'joinery_expire_session_reservations(uuid)',
      'joinery_release_locked(uuid, text)',
      'joinery_refresh_crossplay(uuid)',
      'joinery_cp_can_join(integer, integer, integer, integer, integer, integer, integer, integer)',
      'joinery_password_digest(uuid, text)',
    ]) {
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}`);
    }
    await queryRunner.query(`DROP TABLE seat`);
    await queryRunner.query(`DROP TABLE session_team`);
    await queryRunner.query(`DROP TABLE game_session`);
    await queryRunner.query(`DROP TABLE session_template`);
  }
}

export const FUNCTIONS = `
-- The crossplay rule over a session's aggregates (twin of canJoin in src/crossplay/crossplay.ts).
-- A player without crossplay settings (a GameLift seat) constrains nothing and fits anywhere.
CREATE FUNCTION joinery_cp_can_join(
  s_families_all integer, s_required_families integer, s_inputs_any integer, s_inputs_allowed integer,
  p_family integer, p_input integer, p_required_families integer, p_allowed_inputs integer)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT p_family IS NULL OR (
        (s_families_all & p_required_families) = p_required_families
    AND (s_inputs_any & ~p_allowed_inputs) = 0
    AND (p_family & s_required_families) = s_required_families
    AND (p_input & s_inputs_allowed) <> 0)
$fn$;

CREATE FUNCTION joinery_password_digest(p_session uuid, p_password text)
RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN p_password IS NULL THEN NULL
              ELSE encode(sha256(convert_to(p_session::text || ':' || p_password, 'UTF8')), 'hex') END
$fn$;

-- Recomputes a session's crossplay aggregates from its occupied seats (after someone leaves).
CREATE FUNCTION joinery_refresh_crossplay(p_session uuid)
RETURNS void LANGUAGE sql AS $fn$
  UPDATE game_session g SET
    cp_families_all      = a.families_all,
    cp_required_families = a.required_families,
    cp_inputs_any        = a.inputs_any,
    cp_inputs_allowed    = a.inputs_allowed
  FROM (
    SELECT coalesce(bit_and(cp_family), 3)            AS families_all,
           coalesce(bit_or(cp_required_families), 0)  AS required_families,
           coalesce(bit_or(cp_input), 0)              AS inputs_any,
           coalesce(bit_and(cp_allowed_inputs), 7)    AS inputs_allowed
      FROM seat
     WHERE session_id = p_session AND status IN ('RESERVED', 'ACTIVE') AND cp_family IS NOT NULL
  ) a
  WHERE g.id = p_session
$fn$;

-- Frees one occupied seat of a session the caller has locked: the seat ends with p_status,
-- counts go down, a leaving leader hands over to the longest-present member, and the last one
-- out closes the session unless it is kept alive when empty.
-- Returns 'released', or 'not_active' when the seat holds no place.
CREATE FUNCTION joinery_release_locked(p_seat uuid, p_status text)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v seat%ROWTYPE;
  v_left integer;
BEGIN
  UPDATE seat SET status = p_status, ended_at = now()
   WHERE id = p_seat AND status IN ('RESERVED', 'ACTIVE')
  RETURNING * INTO v;
  IF NOT FOUND THEN
    RETURN 'not_active';
  END IF;
  UPDATE session_team SET player_count = player_count - 1 WHERE session_id = v.session_id AND team_id = v.team_id;
  UPDATE game_session SET player_count = player_count - 1, version = version + 1, updated_at = now()
   WHERE id = v.session_id
  RETURNING player_count INTO v_left;
  IF v.cp_family IS NOT NULL THEN
    PERFORM joinery_refresh_crossplay(v.session_id);
  END IF;
  IF v.role = 'leader' THEN
    UPDATE seat SET role = 'leader'
     WHERE id = (SELECT id FROM seat
                  WHERE session_id = v.session_id AND status = 'ACTIVE' AND role = 'member'
                  ORDER BY coalesce(joined_at, created_at), id LIMIT 1);
  END IF;
  IF v_left = 0 THEN
    UPDATE game_session SET status = 'TERMINATED', terminated_at = now(), status_reason = 'EMPTY'
     WHERE id = v.session_id AND NOT keep_alive_on_empty AND status = 'ACTIVE';
  END IF;
  RETURN 'released';
END
$fn$;

-- Times out the overdue reservations of a session the caller has locked. Returns how many.
CREATE FUNCTION joinery_expire_session_reservations(p_session uuid)
RETURNS integer LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_seat uuid;
  v_count integer := 0;
BEGIN
  FOR v_seat IN
    SELECT id FROM seat
     WHERE session_id = p_session AND status = 'RESERVED' AND reserved_until IS NOT NULL AND reserved_until <= now()
  LOOP
    IF joinery_release_locked(v_seat, 'TIMEDOUT') = 'released' THEN
      v_count := v_count + 1;
    END IF;
  END LOOP;
  RETURN v_count;
END
$fn$;

-- Puts a player in a session: the one function that takes a seat. Locks the session row.
-- p_team NULL picks the team with the most free seats. A player without a leader above
-- them becomes leader when they join as a member.
-- Outcomes: joined | existing (the player already holds a seat here) | not_found |
-- invalid_status | invalid_team | full.
CREATE FUNCTION joinery_add_player(
  p_session uuid, p_team integer, p_status text, p_role text, p_player_id text, p_reserved_until timestamptz,
  p_player_data text, p_client_version text, p_platform text, p_input text, p_permitted_platform text,
  p_permitted_input text, p_cp_family integer, p_cp_input integer, p_cp_required integer, p_cp_allowed integer,
  p_custom_data jsonb, p_inviting_player_id text)
RETURNS TABLE (outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_team integer;
  v_role text := p_role;
  v_seat uuid;
  v_existing record;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF g.status <> 'ACTIVE' THEN
    RETURN QUERY SELECT 'invalid_status'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  SELECT id, team_id, role INTO v_existing FROM seat
   WHERE session_id = p_session AND player_id = p_player_id AND status IN ('RESERVED', 'ACTIVE');
  IF FOUND THEN
    RETURN QUERY SELECT 'existing'::text, p_session, v_existing.team_id, v_existing.id, v_existing.role;
    RETURN;
  END IF;

  IF p_team IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id = p_team) THEN
    RETURN QUERY SELECT 'invalid_team'::text, p_session, p_team, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  FOR attempt IN 1..2 LOOP
    SELECT team_id INTO v_team FROM session_team
     WHERE session_id = p_session AND player_count < max_size AND (p_team IS NULL OR team_id = p_team)
     ORDER BY max_size - player_count DESC, team_id
     LIMIT 1;
    EXIT WHEN v_team IS NOT NULL OR attempt = 2;
    -- No room: reservations past their deadline give their seats back first.
    EXIT WHEN joinery_expire_session_reservations(p_session) = 0;
  END LOOP;
  IF v_team IS NULL THEN
    RETURN QUERY SELECT 'full'::text, p_session, p_team, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  IF v_role = 'member' AND NOT EXISTS (
       SELECT 1 FROM seat WHERE session_id = p_session AND role = 'leader' AND status IN ('RESERVED', 'ACTIVE')) THEN
    v_role := 'leader';
  END IF;

  INSERT INTO seat (session_id, team_id, player_id, status, role, player_data, client_version, platform, input,
                    permitted_platform, permitted_input, cp_family, cp_input, cp_required_families, cp_allowed_inputs,
                    custom_data, inviting_player_id, reserved_until, joined_at)
  VALUES (p_session, v_team, p_player_id, p_status, v_role, p_player_data, p_client_version, p_platform, p_input,
          p_permitted_platform, p_permitted_input, p_cp_family, p_cp_input, p_cp_required, p_cp_allowed,
          coalesce(p_custom_data, '{}'), p_inviting_player_id, p_reserved_until,
          CASE WHEN p_status = 'ACTIVE' THEN now() END)
  RETURNING id INTO v_seat;

  UPDATE session_team SET player_count = player_count + 1 WHERE session_id = p_session AND team_id = v_team;
  UPDATE game_session SET
    player_count         = player_count + 1,
    cp_families_all      = CASE WHEN p_cp_family IS NULL THEN cp_families_all ELSE cp_families_all & p_cp_family END,
    cp_required_families = cp_required_families | coalesce(p_cp_required, 0),
    cp_inputs_any        = cp_inputs_any | coalesce(p_cp_input, 0),
    cp_inputs_allowed    = CASE WHEN p_cp_family IS NULL THEN cp_inputs_allowed ELSE cp_inputs_allowed & p_cp_allowed END,
    version              = version + 1,
    updated_at           = now()
  WHERE id = p_session;

  RETURN QUERY SELECT 'joined'::text, p_session, v_team, v_seat, v_role;
END
$fn$;

-- RallyHere create-or-join, in one transaction:
--  1. a player already seated in an active session of this type gets it back;
--  2. with attempt_auto_join, the oldest open public session of the type (in the region, when
--     given) with room on the team and crossplay-compatible members is joined. Concurrent joiners
--     skip sessions locked by others; one that finds none waits on the type's creation lock and
--     looks again, waiting for locked rows, so sessions are only created when none is open;
--  3. otherwise, when players may create sessions of this type, a new one is created and the
--     player leads it.
-- Outcomes: existing | joined | created | template_not_found | invalid_team |
-- no_session_available | creation_not_allowed.
CREATE FUNCTION joinery_create_or_join(
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

  SELECT s.session_id, s.team_id, s.id, s.role INTO v_existing
    FROM seat s JOIN game_session g ON g.id = s.session_id
   WHERE s.player_id = p_player_id AND s.status IN ('RESERVED', 'ACTIVE') AND s.role IN ('leader', 'member')
     AND g.type = p_type AND g.status = 'ACTIVE'
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
    SELECT g.id INTO v_session FROM game_session g
     WHERE g.type = p_type AND g.status = 'ACTIVE' AND g.public AND g.creation_policy = 'ACCEPT_ALL'
       AND g.password_digest IS NULL AND g.player_count < g.max_players
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
      PERFORM pg_advisory_xact_lock(hashtextextended('joinery:create:' || p_type || ':' || coalesce(p_region, ''), 0));
      SELECT g.id INTO v_session FROM game_session g
       WHERE g.type = p_type AND g.status = 'ACTIVE' AND g.public AND g.creation_policy = 'ACCEPT_ALL'
         AND g.password_digest IS NULL AND g.player_count < g.max_players
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

-- RallyHere join by id. An invited player takes up their invitation; others need a public
-- session (and its password, when it has one). Crossplay is checked against the members.
-- Outcomes: joined | existing | not_found | not_joinable | bad_password | crossplay_mismatch |
-- invalid_team | full.
CREATE FUNCTION joinery_join_session(
  p_session uuid, p_team integer, p_player_id text, p_client_version text, p_platform text, p_input text,
  p_permitted_platform text, p_permitted_input text, p_cp_family integer, p_cp_input integer,
  p_cp_required integer, p_cp_allowed integer, p_custom_data jsonb, p_password text)
RETURNS TABLE (outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v seat%ROWTYPE;
  v_role text;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND OR g.status <> 'ACTIVE' THEN
    RETURN QUERY SELECT 'not_found'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF NOT joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any, g.cp_inputs_allowed,
                             p_cp_family, p_cp_input, p_cp_required, p_cp_allowed) THEN
    -- (an existing member is compatible by construction, so this only refuses newcomers and invitees)
    IF NOT EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND player_id = p_player_id
                                        AND status IN ('RESERVED', 'ACTIVE') AND role IN ('leader', 'member')) THEN
      RETURN QUERY SELECT 'crossplay_mismatch'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
      RETURN;
    END IF;
  END IF;

  SELECT * INTO v FROM seat WHERE session_id = p_session AND player_id = p_player_id AND status IN ('RESERVED', 'ACTIVE');
  IF FOUND AND v.role IN ('invited', 'reserved') THEN
    v_role := CASE WHEN EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND role = 'leader'
                                                   AND status IN ('RESERVED', 'ACTIVE')) THEN 'member' ELSE 'leader' END;
    UPDATE seat SET status = 'ACTIVE', role = v_role, joined_at = now(), reserved_until = NULL,
                    client_version = p_client_version, platform = p_platform, input = p_input,
                    permitted_platform = p_permitted_platform, permitted_input = p_permitted_input,
                    cp_family = p_cp_family, cp_input = p_cp_input, cp_required_families = p_cp_required,
                    cp_allowed_inputs = p_cp_allowed, custom_data = coalesce(p_custom_data, custom_data)
     WHERE id = v.id;
    PERFORM joinery_refresh_crossplay(p_session);
    UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = p_session;
    RETURN QUERY SELECT 'joined'::text, p_session, v.team_id, v.id, v_role;
    RETURN;
  ELSIF FOUND THEN
    RETURN QUERY SELECT 'existing'::text, p_session, v.team_id, v.id, v.role;
    RETURN;
  END IF;

  IF NOT g.public OR g.creation_policy <> 'ACCEPT_ALL' THEN
    RETURN QUERY SELECT 'not_joinable'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF g.password_digest IS NOT NULL AND g.password_digest IS DISTINCT FROM joinery_password_digest(p_session, p_password) THEN
    RETURN QUERY SELECT 'bad_password'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  RETURN QUERY SELECT * FROM joinery_add_player(
    p_session, p_team, 'ACTIVE', 'member', p_player_id, NULL, NULL, p_client_version, p_platform, p_input,
    p_permitted_platform, p_permitted_input, p_cp_family, p_cp_input, p_cp_required, p_cp_allowed, p_custom_data, NULL);
END
$fn$;

-- GameLift CreatePlayerSession(s): reserves seats for all the players, or for none.
-- A player who already holds a seat in the session gets that seat back (retries are safe).
-- Outcomes per player: reserved | existing; or a single row: not_found | invalid_status | full.
CREATE FUNCTION joinery_reserve_seats(p_session uuid, p_player_ids text[], p_player_data text[], p_timeout_seconds integer)
RETURNS TABLE (outcome text, seat_id uuid, player_id text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_new integer;
  v_free integer;
  v_added record;
  i integer;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF g.status <> 'ACTIVE' OR g.creation_policy <> 'ACCEPT_ALL' THEN
    RETURN QUERY SELECT 'invalid_status'::text, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  SELECT count(*) INTO v_new FROM unnest(p_player_ids) AS p(id)
   WHERE NOT EXISTS (SELECT 1 FROM seat s WHERE s.session_id = p_session AND s.player_id = p.id
                                            AND s.status IN ('RESERVED', 'ACTIVE'));
  v_free := g.max_players - g.player_count;
  IF v_free < v_new THEN
    PERFORM joinery_expire_session_reservations(p_session);
    SELECT max_players - player_count INTO v_free FROM game_session WHERE id = p_session;
  END IF;
  IF v_free < v_new THEN
    RETURN QUERY SELECT 'full'::text, NULL::uuid, NULL::text;
    RETURN;
  END IF;

  FOR i IN 1..coalesce(array_length(p_player_ids, 1), 0) LOOP
    SELECT * INTO v_added FROM joinery_add_player(
      p_session, NULL, 'RESERVED', 'member', p_player_ids[i], now() + make_interval(secs => p_timeout_seconds),
      p_player_data[i], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    IF v_added.outcome NOT IN ('joined', 'existing') THEN
      -- Cannot happen after the capacity check above; abort the whole batch rather than half-succeed.
      RAISE EXCEPTION 'seat reservation failed: %', v_added.outcome USING ERRCODE = 'JY001';
    END IF;
    RETURN QUERY SELECT CASE WHEN v_added.outcome = 'joined' THEN 'reserved' ELSE 'existing' END, v_added.seat_id,
                        p_player_ids[i];
  END LOOP;
END
$fn$;

-- Ends a seat (leave, kick, RemovePlayerSession: COMPLETED). Outcomes: released | not_active | not_found.
CREATE FUNCTION joinery_release_seat(p_seat uuid, p_status text)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_session uuid;
BEGIN
  SELECT session_id INTO v_session FROM seat WHERE id = p_seat;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  PERFORM 1 FROM game_session WHERE id = v_session FOR UPDATE;
  RETURN joinery_release_locked(p_seat, p_status);
END
$fn$;

-- GameLift AcceptPlayerSession: RESERVED -> ACTIVE, only before the reservation's deadline.
-- Outcomes: accepted | not_found | timed_out | invalid_status.
CREATE FUNCTION joinery_accept_seat(p_seat uuid)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v seat%ROWTYPE;
  v_session_status text;
BEGIN
  SELECT * INTO v FROM seat WHERE id = p_seat;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT status INTO v_session_status FROM game_session WHERE id = v.session_id FOR UPDATE;
  SELECT * INTO v FROM seat WHERE id = p_seat;
  IF v.status <> 'RESERVED' THEN
    RETURN 'invalid_status';
  END IF;
  IF v.reserved_until IS NOT NULL AND v.reserved_until <= now() THEN
    PERFORM joinery_release_locked(p_seat, 'TIMEDOUT');
    RETURN 'timed_out';
  END IF;
  IF v_session_status <> 'ACTIVE' THEN
    RETURN 'invalid_status';
  END IF;
  UPDATE seat SET status = 'ACTIVE', joined_at = now(), reserved_until = NULL WHERE id = p_seat;
  UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = v.session_id;
  RETURN 'accepted';
END
$fn$;

-- Ends a session and completes its seats. Outcomes: terminated | not_found | already_terminated.
CREATE FUNCTION joinery_terminate_session(p_session uuid, p_reason text)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_status text;
BEGIN
  SELECT status INTO v_status FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF v_status = 'TERMINATED' THEN
    RETURN 'already_terminated';
  END IF;
  UPDATE seat SET status = 'COMPLETED', ended_at = now()
   WHERE session_id = p_session AND status IN ('RESERVED', 'ACTIVE');
  UPDATE session_team SET player_count = 0 WHERE session_id = p_session;
  UPDATE game_session SET status = 'TERMINATED', status_reason = p_reason, terminated_at = now(), player_count = 0,
                          cp_families_all = 3, cp_required_families = 0, cp_inputs_any = 0, cp_inputs_allowed = 7,
                          version = version + 1, updated_at = now()
   WHERE id = p_session;
  RETURN 'terminated';
END
$fn$;

-- The reservation sweeper: times out overdue reservations in up to p_sessions sessions.
-- One instance sweeps at a time (a try-lock; the others skip the tick), and sessions locked
-- by joins are left for the next tick. Returns the number of seats timed out.
CREATE FUNCTION joinery_sweep_reservations(p_sessions integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_session uuid;
  v_count integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('joinery:sweeper', 0)) THEN
    RETURN 0;
  END IF;
  FOR v_session IN
    SELECT g.id FROM game_session g
     WHERE g.id IN (SELECT DISTINCT session_id FROM seat
                     WHERE status = 'RESERVED' AND reserved_until IS NOT NULL AND reserved_until <= now()
                     LIMIT p_sessions)
     FOR UPDATE OF g SKIP LOCKED
  LOOP
    v_count := v_count + joinery_expire_session_reservations(v_session);
  END LOOP;
  RETURN v_count;
END
$fn$;
`;
