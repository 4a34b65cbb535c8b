-- Sessions: create-or-join, creating, changing, activating and ending sessions. Seats are taken and freed through
-- seats.sql; a session's row lock (game_session FOR UPDATE) is taken before anything of it is read or changed.

-- RallyHere create-or-join, for a batch of players asking for the same type and region at once (a group commit,
-- src/session/group-commit.ts): one transaction, one lock of each session row and one commit for all of them.
-- Each player (an element of `p_players`: a joining player as seats.sql describes it, plus team_id and
-- password_digest, the digest a session the player creates gets) gets the seat they already hold in an active
-- session of the type, else a seat in the oldest open, compatible session of the type (in the region, when given),
-- else a new session when the template lets players create one. One row per player, `ord` its index in
-- `p_players`. Outcomes: existing, joined, created, template_not_found, invalid_team, no_session_available,
-- creation_not_allowed, and in a batch of several error (the SQLSTATE and message in `detail`: that player's
-- work is rolled back, the others' kept). A player listed twice gets one seat: the second ask is `existing`.
--
-- Concurrency: per-player advisory locks serialise one player's calls (retries get one seat); a batch takes its
-- players' locks first, in one order (the hash's), so batches never wait for each other's players in a cycle.
--
-- One player (a batch of one, joinery_create_or_join): the first search skips locked sessions, so concurrent
-- joiners spread over open sessions; it runs in a subtransaction rolled back when it finds nothing, so rows it
-- locked and rejected are released before the joiner waits for the type's creation lock (type + region). Under
-- that lock the second search waits for locked rows: a session is created only when, after every in-flight join
-- committed, none fits. Both searches state one condition (joinery_session_auto_joinable, the predicate of
-- ix_game_session_open); they differ only in SKIP LOCKED.
--
-- Several players: the batch takes the type's creation lock before any row (and the type's batch lock, shared for
-- a region, exclusive without one, so two batches that could lock the same rows never run at once), then seats
-- each player with the waiting search only. It defers its events (joinery_defer_events) and appends them after
-- the last player: a transaction holding the events lock must not wait for a row. Each player runs in a
-- subtransaction of its own, so one failing player does not fail the batch; a batch holds at most 64 (PostgreSQL
-- keeps 64 subtransaction ids per backend in shared memory; beyond that every snapshot gets slower).
CREATE OR REPLACE FUNCTION joinery_create_or_join_batch(
  p_type text, p_region text, p_players jsonb, p_fleet_id text, p_location text
) RETURNS TABLE(ord integer, outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text,
                detail text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  t session_template%ROWTYPE;
  v_count integer := jsonb_array_length(p_players);
  v_batch boolean := jsonb_array_length(p_players) > 1;
  v_template boolean;
  v_key bigint;
  v_player jsonb;
  v_player_id text;
  v_team integer;
  v_cp_family integer;
  v_cp_input integer;
  v_cp_required integer;
  v_cp_allowed integer;
  v_session uuid;
  v_existing record;
  v_added record;
  o_outcome text;
  o_session uuid;
  o_team integer;
  o_seat uuid;
  o_role text;
  o_detail text;
BEGIN
  IF v_count > 64 THEN
    RAISE EXCEPTION 'a create-or-join batch holds at most 64 players, not %', v_count USING ERRCODE = '22023';
  END IF;
  FOR v_key IN SELECT DISTINCT hashtextextended('joinery:player:' || (p->>'player_id'), 0)
                  FROM jsonb_array_elements(p_players) AS p ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(v_key);
  END LOOP;

  SELECT * INTO t FROM session_template WHERE session_type = p_type;
  v_template := FOUND;
  IF v_batch AND v_template THEN
    IF p_region IS NULL THEN
      PERFORM pg_advisory_xact_lock(hashtextextended('joinery:batch:' || p_type, 0));
    ELSE
      PERFORM pg_advisory_xact_lock_shared(hashtextextended('joinery:batch:' || p_type, 0));
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('joinery:create:' || p_type || ':' || coalesce(p_region, ''), 0));
    PERFORM joinery_defer_events();
  END IF;

  FOR i IN 0 .. v_count - 1 LOOP
    o_outcome := NULL; o_session := NULL; o_team := NULL; o_seat := NULL; o_role := NULL; o_detail := NULL;
    <<player>>
    BEGIN
      v_player := p_players->i;
      v_player_id := v_player->>'player_id';
      v_team := (v_player->>'team_id')::integer;
      v_cp_family := (v_player->>'cp_family')::integer;
      v_cp_input := (v_player->>'cp_input')::integer;
      v_cp_required := (v_player->>'cp_required')::integer;
      v_cp_allowed := (v_player->>'cp_allowed')::integer;

      -- The player's own seats first (a handful, one index probe), each checked by primary key, whatever the
      -- statistics say about the type.
      SELECT s.session_id, s.team_id, s.id, s.role INTO v_existing
        FROM seat s
        CROSS JOIN LATERAL (SELECT 1 FROM game_session g
                             WHERE g.id = s.session_id AND g.type = p_type AND g.status = 'ACTIVE' LIMIT 1) AS of_type
       WHERE s.player_id = v_player_id AND joinery_seat_is_member(s.role, s.status)
       ORDER BY s.created_at
       LIMIT 1;
      IF FOUND THEN
        o_outcome := 'existing'; o_session := v_existing.session_id; o_team := v_existing.team_id;
        o_seat := v_existing.id; o_role := v_existing.role;
        EXIT player;
      END IF;

      IF NOT v_template THEN
        o_outcome := 'template_not_found';
        EXIT player;
      END IF;
      IF v_team IS NOT NULL AND v_team >= t.num_teams THEN
        o_outcome := 'invalid_team'; o_team := v_team;
        EXIT player;
      END IF;

      v_session := NULL;
      IF t.attempt_auto_join THEN
        IF NOT v_batch THEN
          BEGIN
            SELECT g.id INTO v_session FROM game_session g
             WHERE g.type = p_type
               AND joinery_session_auto_joinable(g.status, g.public, g.creation_policy, g.password_digest, g.has_room)
               AND (p_region IS NULL OR g.region_id = p_region)
               AND joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any, g.cp_inputs_allowed,
                                       v_cp_family, v_cp_input, v_cp_required, v_cp_allowed)
               AND (v_team IS NULL OR EXISTS (SELECT 1 FROM session_team st
                                               WHERE st.session_id = g.id AND st.team_id = v_team
                                                 AND st.player_count < st.max_size))
               AND NOT EXISTS (SELECT 1 FROM seat x WHERE x.session_id = g.id AND x.player_id = v_player_id
                                                     AND joinery_seat_occupies(x.status))
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
          END IF;
        END IF;

        IF v_session IS NULL THEN
          SELECT g.id INTO v_session FROM game_session g
           WHERE g.type = p_type
             AND joinery_session_auto_joinable(g.status, g.public, g.creation_policy, g.password_digest, g.has_room)
             AND (p_region IS NULL OR g.region_id = p_region)
             AND joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any, g.cp_inputs_allowed,
                                     v_cp_family, v_cp_input, v_cp_required, v_cp_allowed)
             AND (v_team IS NULL OR EXISTS (SELECT 1 FROM session_team st
                                             WHERE st.session_id = g.id AND st.team_id = v_team
                                               AND st.player_count < st.max_size))
             AND NOT EXISTS (SELECT 1 FROM seat x WHERE x.session_id = g.id AND x.player_id = v_player_id
                                                   AND joinery_seat_occupies(x.status))
           ORDER BY g.created_at, g.id
           LIMIT 1
           FOR UPDATE OF g;
        END IF;

        IF v_session IS NOT NULL THEN
          SELECT * INTO v_added FROM joinery_add_player(v_session, v_team, 'ACTIVE', 'member', NULL, NULL, v_player);
          o_outcome := v_added.outcome; o_session := v_added.session_id; o_team := v_added.team_id;
          o_seat := v_added.seat_id; o_role := v_added.seat_role;
          EXIT player;
        END IF;
      END IF;

      IF NOT t.can_be_created_by_players_directly THEN
        o_outcome := CASE WHEN t.attempt_auto_join THEN 'no_session_available' ELSE 'creation_not_allowed' END;
        EXIT player;
      END IF;

      v_session := gen_random_uuid();
      PERFORM joinery_insert_rallyhere_session(v_session, t, p_region, p_fleet_id, p_location,
                                               v_player->>'password_digest', NULL);
      SELECT * INTO v_added
        FROM joinery_add_player(v_session, coalesce(v_team, 0), 'ACTIVE', 'leader', NULL, NULL, v_player);
      o_outcome := CASE WHEN v_added.outcome = 'joined' THEN 'created' ELSE v_added.outcome END;
      o_session := v_added.session_id; o_team := v_added.team_id; o_seat := v_added.seat_id;
      o_role := v_added.seat_role;
    EXCEPTION WHEN OTHERS THEN
      IF NOT v_batch THEN
        RAISE;
      END IF;
      o_outcome := 'error'; o_session := NULL; o_team := NULL; o_seat := NULL; o_role := NULL;
      o_detail := SQLSTATE || ' ' || SQLERRM;
    END;
    RETURN QUERY SELECT i, o_outcome, o_session, o_team, o_seat, o_role, o_detail;
  END LOOP;

  IF v_batch AND v_template THEN
    PERFORM joinery_flush_events();
  END IF;
END
$$;

-- RallyHere create-or-join of one player: the batch of one (see joinery_create_or_join_batch). Outcomes:
-- existing, joined, created, template_not_found, invalid_team, no_session_available, creation_not_allowed.
CREATE OR REPLACE FUNCTION joinery_create_or_join(
  p_type text, p_region text, p_team integer, p_player jsonb, p_password_digest text, p_fleet_id text,
  p_location text
) RETURNS TABLE(outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
  LANGUAGE sql
  AS $$
  SELECT b.outcome, b.session_id, b.team_id, b.seat_id, b.seat_role
    FROM joinery_create_or_join_batch(
           p_type, p_region,
           jsonb_build_array(p_player || jsonb_strip_nulls(jsonb_build_object('team_id', p_team,
                                                                              'password_digest', p_password_digest))),
           p_fleet_id, p_location) AS b
$$;

-- A new RallyHere session of a template, empty: its teams, its culling timeout, its browser listing when the
-- template adds sessions to the browser (auto_add_to_browser, with auto_browser_params as the listing's data).
-- created_at is the clock's, so the sessions one batch creates keep their order for the oldest-first search.
CREATE OR REPLACE FUNCTION joinery_insert_rallyhere_session(
  p_session uuid, t session_template, p_region text, p_fleet_id text, p_location text, p_password_digest text,
  p_public boolean
) RETURNS void
  LANGUAGE sql
  AS $$
  INSERT INTO game_session (id, type, public, region_id, fleet_id, location, max_players, keep_alive_on_empty,
                            password_digest, created_via, cp_families_all, cp_required_families, cp_inputs_any,
                            cp_inputs_allowed, player_culling_timeout, browser_listed, browser_custom_data,
                            browser_listed_at, created_at)
  VALUES (p_session, t.session_type, coalesce(p_public, t.default_public), p_region, p_fleet_id, coalesce(p_region, p_location),
          t.num_teams * t.players_per_team, t.keep_alive_on_empty, p_password_digest, 'rallyhere',
          joinery_cp_all_families(), 0, 0, joinery_cp_all_inputs(),
          nullif((t.config->>'player_culling_timeout')::integer, 0),
          coalesce((t.config->>'auto_add_to_browser')::boolean, false),
          coalesce(t.config->'auto_browser_params', '{}'),
          CASE WHEN coalesce((t.config->>'auto_add_to_browser')::boolean, false) THEN now() END, clock_timestamp());
  INSERT INTO session_team (session_id, team_id, max_size)
  SELECT p_session, n, t.players_per_team FROM generate_series(0, t.num_teams - 1) AS n;
$$;

-- A server (a client_credentials token with session:create) creates a session of a type: a new, empty one, whether
-- or not players may create that type (a client holds no seat, so it never joins). Outcomes: created,
-- template_not_found.
CREATE OR REPLACE FUNCTION joinery_create_session(
  p_type text, p_region text, p_password_digest text, p_fleet_id text, p_location text
) RETURNS TABLE(outcome text, session_id uuid)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  t session_template%ROWTYPE;
  v_session uuid := gen_random_uuid();
BEGIN
  SELECT * INTO t FROM session_template WHERE session_type = p_type;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'template_not_found'::text, NULL::uuid;
    RETURN;
  END IF;
  PERFORM joinery_insert_rallyhere_session(v_session, t, p_region, p_fleet_id, p_location, p_password_digest, NULL);
  RETURN QUERY SELECT 'created'::text, v_session;
END
$$;

-- Templates with min_session_count: that many public sessions of the type open for newcomers
-- (joinery_session_auto_joinable) at all times; the missing ones are created, public, empty. Run by the sweeper's
-- pass (one instance at a time) and at start. Returns how many sessions were created.
CREATE OR REPLACE FUNCTION joinery_keep_min_sessions(p_fleet_id text, p_location text) RETURNS integer
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  t session_template%ROWTYPE;
  v_open integer;
  v_count integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('joinery:min-sessions', 0)) THEN
    RETURN 0;
  END IF;
  FOR t IN SELECT * FROM session_template WHERE coalesce((config->>'min_session_count')::integer, 0) > 0 LOOP
    SELECT count(*) INTO v_open FROM game_session g
     WHERE g.type = t.session_type
       AND joinery_session_auto_joinable(g.status, g.public, g.creation_policy, g.password_digest, g.has_room);
    FOR i IN 1..((t.config->>'min_session_count')::integer - v_open) LOOP
      PERFORM joinery_insert_rallyhere_session(gen_random_uuid(), t, NULL, p_fleet_id, p_location, NULL, true);
      v_count := v_count + 1;
    END LOOP;
  END LOOP;
  RETURN v_count;
END
$$;

-- GameLift CreateGameSession: a session of one team of max_players seats. With an idempotency token already used
-- on the fleet, the session it created is answered instead (created = false). `p_session` holds type, status
-- (ACTIVATING or ACTIVE), fleet_id, location, max_players, name, creator_id, game_properties, game_session_data,
-- idempotency_token.
CREATE OR REPLACE FUNCTION joinery_create_game_session(p_session jsonb)
  RETURNS TABLE(session_id uuid, created boolean)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_session uuid;
  v_max integer := (p_session->>'max_players')::integer;
BEGIN
  INSERT INTO game_session (type, status, public, region_id, fleet_id, location, name, creator_id, game_properties,
                            game_session_data, idempotency_token, max_players, keep_alive_on_empty, created_via,
                            cp_families_all, cp_required_families, cp_inputs_any, cp_inputs_allowed)
  VALUES (p_session->>'type', p_session->>'status', true, p_session->>'location', p_session->>'fleet_id',
          p_session->>'location', p_session->>'name', p_session->>'creator_id',
          coalesce(p_session->'game_properties', '[]'), p_session->>'game_session_data',
          p_session->>'idempotency_token', v_max, true, 'gamelift',
          joinery_cp_all_families(), 0, 0, joinery_cp_all_inputs())
  ON CONFLICT (fleet_id, idempotency_token) WHERE idempotency_token IS NOT NULL DO NOTHING
  RETURNING id INTO v_session;
  IF v_session IS NULL THEN
    RETURN QUERY SELECT g.id, false FROM game_session g
                  WHERE g.fleet_id = p_session->>'fleet_id' AND g.idempotency_token = p_session->>'idempotency_token';
    RETURN;
  END IF;
  INSERT INTO session_team (session_id, team_id, max_size) VALUES (v_session, 0, v_max);
  RETURN QUERY SELECT v_session, true;
END
$$;

-- RallyHere session update (the leader, or privileged): custom data, joinability, region, password (an scrypt
-- digest computed by the service; a new password clears the failed attempts), team sizes (joinery_resize_teams).
-- Outcomes: updated, forbidden, not_found, and joinery_resize_teams' refusals.
CREATE OR REPLACE FUNCTION joinery_update_session(
  p_session uuid, p_changes jsonb, p_actor_id text, p_privileged boolean
) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_outcome text;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF NOT joinery_may_lead(p_session, p_actor_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  IF p_changes ? 'teams' THEN
    v_outcome := joinery_resize_teams(p_session, p_changes->'teams');
    IF v_outcome <> 'resized' THEN
      RETURN v_outcome;
    END IF;
  END IF;
  UPDATE game_session g SET
    custom_data        = coalesce(p_changes->'custom_data', g.custom_data),
    public             = coalesce((p_changes->>'public')::boolean, g.public),
    joinable_friends   = coalesce((p_changes->>'joinable_friends')::boolean, g.joinable_friends),
    joinable_platform  = coalesce((p_changes->>'joinable_platform')::boolean, g.joinable_platform),
    region_id          = coalesce(p_changes->>'region_id', g.region_id),
    password_digest    = coalesce(p_changes->>'password_digest', g.password_digest),
    password_failures  = CASE WHEN p_changes ? 'password_digest' THEN 0 ELSE g.password_failures END,
    password_failed_at = CASE WHEN p_changes ? 'password_digest' THEN NULL ELSE g.password_failed_at END,
    version            = g.version + 1,
    updated_at         = now()
  WHERE g.id = p_session;
  PERFORM joinery_emit(p_session, 'session_updated', NULL, '{}');
  RETURN 'updated';
END
$$;

-- RallyHere `SessionUpdate.teams` on a locked session: the list's length is the number of teams, each entry's
-- max_size the team's size (omitted: unchanged, or the template's for a new team) and custom_data its data. A
-- team is never made smaller than its occupied seats, and only empty teams are removed; the session's capacity
-- becomes the sum of the sizes. Outcomes: resized, below_occupied, team_not_empty, no_teams.
CREATE OR REPLACE FUNCTION joinery_resize_teams(p_session uuid, p_teams jsonb) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_count integer := jsonb_array_length(p_teams);
  v_default integer;
BEGIN
  IF v_count = 0 THEN
    RETURN 'no_teams';
  END IF;
  IF EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id >= v_count AND player_count > 0) THEN
    PERFORM joinery_expire_session_reservations(p_session);
    IF EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id >= v_count AND player_count > 0) THEN
      RETURN 'team_not_empty';
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_teams) WITH ORDINALITY AS n(team, ord)
               JOIN session_team st ON st.session_id = p_session AND st.team_id = n.ord - 1
              WHERE (n.team->>'max_size')::integer < st.player_count) THEN
    RETURN 'below_occupied';
  END IF;
  SELECT coalesce(t.players_per_team, 1) INTO v_default
    FROM game_session g LEFT JOIN session_template t ON t.session_type = g.type WHERE g.id = p_session;
  DELETE FROM session_team WHERE session_id = p_session AND team_id >= v_count;
  UPDATE session_team st SET max_size = coalesce((n.team->>'max_size')::integer, st.max_size),
                             custom_data = coalesce(n.team->'custom_data', st.custom_data)
    FROM jsonb_array_elements(p_teams) WITH ORDINALITY AS n(team, ord)
   WHERE st.session_id = p_session AND st.team_id = n.ord - 1;
  INSERT INTO session_team (session_id, team_id, max_size, custom_data)
  SELECT p_session, n.ord - 1, coalesce((n.team->>'max_size')::integer, v_default), coalesce(n.team->'custom_data', '{}')
    FROM jsonb_array_elements(p_teams) WITH ORDINALITY AS n(team, ord)
   WHERE NOT EXISTS (SELECT 1 FROM session_team st WHERE st.session_id = p_session AND st.team_id = n.ord - 1);
  UPDATE game_session SET max_players = (SELECT sum(max_size) FROM session_team WHERE session_id = p_session)
   WHERE id = p_session;
  RETURN 'resized';
END
$$;

-- Registers a session in the browser, changes its listing, or removes it (RallyHere's browser routes). The
-- leader, or privileged; a player leader only for types whose template lets players add sessions to the browser
-- (can_be_added_to_server_browser). Outcomes: listed, unlisted, not_found, forbidden.
CREATE OR REPLACE FUNCTION joinery_set_browser(
  p_session uuid, p_listed boolean, p_custom_data jsonb, p_actor_id text, p_privileged boolean
) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF NOT joinery_may_lead(p_session, p_actor_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  IF NOT p_privileged AND p_listed AND NOT g.browser_listed
     AND NOT coalesce((SELECT (config->>'can_be_added_to_server_browser')::boolean FROM session_template
                        WHERE session_type = g.type), false) THEN
    RETURN 'forbidden';
  END IF;
  UPDATE game_session SET
    browser_listed      = p_listed,
    browser_custom_data = CASE WHEN p_listed THEN coalesce(p_custom_data, browser_custom_data) ELSE '{}' END,
    browser_listed_at   = CASE WHEN NOT p_listed THEN NULL WHEN browser_listed THEN browser_listed_at ELSE now() END,
    version             = version + 1,
    updated_at          = now()
  WHERE id = p_session;
  PERFORM joinery_emit(p_session, 'session_updated', NULL, jsonb_build_object('browser_listed', p_listed));
  RETURN CASE WHEN p_listed THEN 'listed' ELSE 'unlisted' END;
END
$$;

-- GameLift UpdateGameSession: capacity (single-team sessions, never below the occupied seats), name, creation
-- and protection policies, properties (merged by key, at most 16). Outcomes: updated, not_found, invalid_status,
-- multi_team, below_occupied, too_many_properties.
CREATE OR REPLACE FUNCTION joinery_update_game_session(
  p_session uuid, p_max_players integer, p_name text, p_policy text, p_properties jsonb, p_protection text
) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_teams integer;
  v_count integer;
  v_properties jsonb;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF g.status NOT IN ('ACTIVE', 'ACTIVATING') THEN
    RETURN 'invalid_status';
  END IF;

  IF p_max_players IS NOT NULL AND p_max_players <> g.max_players THEN
    SELECT count(*) INTO v_teams FROM session_team WHERE session_id = p_session;
    IF v_teams <> 1 THEN
      RETURN 'multi_team';
    END IF;
    v_count := g.player_count;
    IF p_max_players < v_count THEN
      PERFORM joinery_expire_session_reservations(p_session);
      SELECT player_count INTO v_count FROM game_session WHERE id = p_session;
    END IF;
    IF p_max_players < v_count THEN
      RETURN 'below_occupied';
    END IF;
    UPDATE session_team SET max_size = p_max_players WHERE session_id = p_session;
  END IF;

  v_properties := g.game_properties;
  IF p_properties IS NOT NULL THEN
    SELECT coalesce(jsonb_agg(m.prop ORDER BY m.ord), '[]'::jsonb) INTO v_properties
      FROM (SELECT coalesce(n.prop, o.prop) AS prop, coalesce(o.ord, 1000000 + n.ord) AS ord
              FROM jsonb_array_elements(g.game_properties) WITH ORDINALITY AS o(prop, ord)
              FULL JOIN jsonb_array_elements(p_properties) WITH ORDINALITY AS n(prop, ord)
                ON o.prop->>'Key' = n.prop->>'Key') m;
    IF jsonb_array_length(v_properties) > 16 THEN
      RETURN 'too_many_properties';
    END IF;
  END IF;

  UPDATE game_session SET
    max_players       = coalesce(p_max_players, max_players),
    name              = coalesce(p_name, name),
    creation_policy   = coalesce(p_policy, creation_policy),
    protection_policy = coalesce(p_protection, protection_policy),
    game_properties   = v_properties,
    version           = version + 1,
    updated_at        = now()
  WHERE id = p_session;
  PERFORM joinery_emit(p_session, 'session_updated', NULL, '{}');
  RETURN 'updated';
END
$$;

-- The game server is ready: ACTIVATING → ACTIVE. Outcomes: activated, already_active, invalid_status, not_found.
CREATE OR REPLACE FUNCTION joinery_activate_session(p_session uuid) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_status text;
BEGIN
  SELECT status INTO v_status FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF v_status = 'ACTIVE' THEN
    RETURN 'already_active';
  END IF;
  IF v_status <> 'ACTIVATING' THEN
    RETURN 'invalid_status';
  END IF;
  UPDATE game_session SET status = 'ACTIVE', version = version + 1, updated_at = now() WHERE id = p_session;
  PERFORM joinery_emit(p_session, 'session_activated', NULL, '{}');
  RETURN 'activated';
END
$$;

-- Ends a session (GameLift TerminateGameSession, an operator): its seats are completed. Outcomes: terminated,
-- already_terminated, not_found.
CREATE OR REPLACE FUNCTION joinery_terminate_session(p_session uuid, p_reason text) RETURNS text
  LANGUAGE plpgsql
  AS $$
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
  PERFORM joinery_end_session_locked(p_session, p_reason);
  RETURN 'terminated';
END
$$;

-- RallyHere session delete (the leader, or privileged). Outcomes: terminated, forbidden, not_found.
CREATE OR REPLACE FUNCTION joinery_close_session(p_session uuid, p_actor_id text, p_privileged boolean) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF NOT joinery_may_lead(p_session, p_actor_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  RETURN joinery_terminate_session(p_session, 'CLOSED');
END
$$;
