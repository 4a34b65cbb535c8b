-- Seats: the one function that takes a seat, the one that frees a seat, and the seat operations built on them.
-- Every function here locks the session's row (game_session FOR UPDATE) before it reads or changes its seats.
--
-- A joining player is one jsonb value (`p_player`): player_id, client_version, platform, input,
-- permitted_platform, permitted_input, cp_family, cp_input, cp_required, cp_allowed (the crossplay profile,
-- see crossplay.sql), custom_data, player_data. Absent keys are NULL.

-- Takes a seat in a locked-or-lockable session: the team with the most room (or the one asked for), the first
-- leader of a session without one. Outcomes: joined, existing (the seat the player holds), not_found,
-- invalid_status, invalid_team, full. The seat's created_at and joined_at are the clock's, not the transaction's
-- start: players seated by one batch (joinery_create_or_join_batch) keep their order (who is present longest).
CREATE OR REPLACE FUNCTION joinery_add_player(
  p_session uuid, p_team integer, p_status text, p_role text, p_reserved_until timestamptz,
  p_inviting_player_id text, p_player jsonb
) RETURNS TABLE(outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_player_id text := p_player->>'player_id';
  v_cp_family integer := (p_player->>'cp_family')::integer;
  v_cp_input integer := (p_player->>'cp_input')::integer;
  v_cp_required integer := (p_player->>'cp_required')::integer;
  v_cp_allowed integer := (p_player->>'cp_allowed')::integer;
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

  SELECT id, team_id, role, status, reserved_until INTO v_existing FROM seat
   WHERE session_id = p_session AND player_id = v_player_id AND joinery_seat_occupies(status);
  IF FOUND AND joinery_seat_overdue(v_existing.status, v_existing.reserved_until) THEN
    -- The player's own reservation is past its deadline: it times out now, and the player asks afresh.
    PERFORM joinery_release_locked(v_existing.id, 'TIMEDOUT');
    IF NOT EXISTS (SELECT 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE') THEN
      RETURN QUERY SELECT 'invalid_status'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
      RETURN;
    END IF;
  ELSIF FOUND THEN
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
       SELECT 1 FROM seat WHERE session_id = p_session AND role = 'leader' AND joinery_seat_occupies(status)) THEN
    v_role := 'leader';
  END IF;

  INSERT INTO seat (session_id, team_id, player_id, status, role, player_data, client_version, platform, input,
                    permitted_platform, permitted_input, cp_family, cp_input, cp_required_families, cp_allowed_inputs,
                    custom_data, inviting_player_id, reserved_until, created_at, joined_at, last_seen_at)
  VALUES (p_session, v_team, v_player_id, p_status, v_role, p_player->>'player_data', p_player->>'client_version',
          p_player->>'platform', p_player->>'input', p_player->>'permitted_platform', p_player->>'permitted_input',
          v_cp_family, v_cp_input, v_cp_required, v_cp_allowed,
          coalesce(p_player->'custom_data', '{}'), p_inviting_player_id, p_reserved_until,
          clock_timestamp(), CASE WHEN p_status = 'ACTIVE' THEN clock_timestamp() END, now())
  RETURNING id INTO v_seat;

  UPDATE session_team SET player_count = player_count + 1 WHERE session_id = p_session AND team_id = v_team;
  UPDATE game_session SET
    player_count         = player_count + 1,
    cp_families_all      = CASE WHEN v_cp_family IS NULL THEN cp_families_all ELSE cp_families_all & v_cp_family END,
    cp_required_families = cp_required_families | coalesce(v_cp_required, 0),
    cp_inputs_any        = cp_inputs_any | coalesce(v_cp_input, 0),
    cp_inputs_allowed    = CASE WHEN v_cp_family IS NULL THEN cp_inputs_allowed ELSE cp_inputs_allowed & v_cp_allowed END,
    version              = version + 1,
    updated_at           = now()
  WHERE id = p_session;
  PERFORM joinery_emit(p_session, CASE WHEN v_role = 'invited' THEN 'invited' ELSE 'joined' END, v_player_id,
                       jsonb_build_object('team_id', v_team, 'status', v_role, 'seat_status', p_status,
                                          'inviting_player_id', p_inviting_player_id));

  RETURN QUERY SELECT 'joined'::text, p_session, v_team, v_seat, v_role;
END
$$;

-- Frees a seat of a session whose row the caller has locked: counts, crossplay aggregate, the leader's hand-over
-- to the longest-seated active member, and the end of a session whose last member left (its invitations end
-- with it), unless the session's template keeps it alive when empty. The event is `p_kind` (left, kicked,
-- culled), or by the status: timed_out for TIMEDOUT, else left. Outcomes: released, not_active.
CREATE OR REPLACE FUNCTION joinery_release_locked(p_seat uuid, p_status text, p_kind text DEFAULT NULL) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v seat%ROWTYPE;
  v_leader text;
BEGIN
  UPDATE seat SET status = p_status, ended_at = now()
   WHERE id = p_seat AND joinery_seat_occupies(status)
  RETURNING * INTO v;
  IF NOT FOUND THEN
    RETURN 'not_active';
  END IF;
  UPDATE session_team SET player_count = player_count - 1 WHERE session_id = v.session_id AND team_id = v.team_id;
  UPDATE game_session SET player_count = player_count - 1, version = version + 1, updated_at = now()
   WHERE id = v.session_id;
  IF v.cp_family IS NOT NULL THEN
    PERFORM joinery_refresh_crossplay(v.session_id);
  END IF;
  PERFORM joinery_emit(v.session_id, coalesce(p_kind, CASE WHEN p_status = 'TIMEDOUT' THEN 'timed_out' ELSE 'left' END),
                       v.player_id, jsonb_build_object('team_id', v.team_id, 'status', v.role, 'seat_status', p_status));
  IF v.role = 'leader' THEN
    UPDATE seat SET role = 'leader'
     WHERE id = (SELECT id FROM seat
                  WHERE session_id = v.session_id AND status = 'ACTIVE' AND role = 'member'
                  ORDER BY coalesce(joined_at, created_at), id LIMIT 1)
    RETURNING player_id INTO v_leader;
    IF v_leader IS NOT NULL THEN
      PERFORM joinery_emit(v.session_id, 'leader_changed', v_leader, '{}');
    END IF;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM seat WHERE session_id = v.session_id AND joinery_seat_is_member(role, status)) THEN
    PERFORM joinery_end_session_locked(g.id, 'EMPTY')
       FROM game_session g WHERE g.id = v.session_id AND NOT g.keep_alive_on_empty AND g.status = 'ACTIVE';
  END IF;
  RETURN 'released';
END
$$;

-- Ends a session whose row the caller has locked: its occupied seats are completed, its counts and crossplay
-- aggregate reset, its instance (if any) closed.
CREATE OR REPLACE FUNCTION joinery_end_session_locked(p_session uuid, p_reason text) RETURNS void
  LANGUAGE sql
  AS $$
  SELECT joinery_emit(p_session, 'session_ended', NULL, jsonb_build_object('reason', p_reason));
  UPDATE seat SET status = 'COMPLETED', ended_at = now()
   WHERE session_id = p_session AND joinery_seat_occupies(status);
  UPDATE session_instance SET join_status = 'closed', updated_at = now()
   WHERE session_id = p_session AND join_status <> 'closed';
  UPDATE session_team SET player_count = 0 WHERE session_id = p_session;
  UPDATE game_session SET status = 'TERMINATED', status_reason = p_reason, terminated_at = now(), player_count = 0,
                          cp_families_all = joinery_cp_all_families(), cp_required_families = 0, cp_inputs_any = 0,
                          cp_inputs_allowed = joinery_cp_all_inputs(), version = version + 1, updated_at = now()
   WHERE id = p_session;
$$;

-- Ends a seat (leave, RemovePlayerSession): COMPLETED or TIMEDOUT. Outcomes: released, not_active, not_found.
CREATE OR REPLACE FUNCTION joinery_release_seat(p_seat uuid, p_status text) RETURNS text
  LANGUAGE plpgsql
  AS $$
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
$$;

-- An operator frees a stuck seat: a reservation ends TIMEDOUT, an active seat COMPLETED.
CREATE OR REPLACE FUNCTION joinery_release_seat_by_operator(p_seat uuid) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_session uuid;
  v_status text;
BEGIN
  SELECT session_id INTO v_session FROM seat WHERE id = p_seat;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  PERFORM 1 FROM game_session WHERE id = v_session FOR UPDATE;
  SELECT status INTO v_status FROM seat WHERE id = p_seat;
  RETURN joinery_release_locked(p_seat, CASE WHEN v_status = 'RESERVED' THEN 'TIMEDOUT' ELSE 'COMPLETED' END);
END
$$;

-- The game server accepts a reserved seat: RESERVED → ACTIVE, only before its deadline, in an ACTIVE session.
-- Outcomes: accepted, timed_out, invalid_status, not_found.
CREATE OR REPLACE FUNCTION joinery_accept_seat(p_seat uuid) RETURNS text
  LANGUAGE plpgsql
  AS $$
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
  IF v.status <> 'RESERVED' OR v.role NOT IN ('leader', 'member') THEN
    RETURN 'invalid_status';
  END IF;
  IF joinery_seat_overdue(v.status, v.reserved_until) THEN
    PERFORM joinery_release_locked(p_seat, 'TIMEDOUT');
    RETURN 'timed_out';
  END IF;
  IF v_session_status <> 'ACTIVE' THEN
    RETURN 'invalid_status';
  END IF;
  -- A session whose leader left while the others were still reserved gets its leader back here.
  UPDATE seat SET status = 'ACTIVE', joined_at = now(), reserved_until = NULL,
                  role = CASE WHEN NOT EXISTS (SELECT 1 FROM seat l WHERE l.session_id = v.session_id AND l.role = 'leader'
                                                 AND joinery_seat_occupies(l.status)) THEN 'leader' ELSE role END
   WHERE id = p_seat;
  UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = v.session_id;
  PERFORM joinery_emit(v.session_id, 'accepted', v.player_id, jsonb_build_object('team_id', v.team_id));
  RETURN 'accepted';
END
$$;

-- A trusted backend reserves seats (GameLift CreatePlayerSession(s) with an access key), for a batch of requests on
-- one game session at once (a group commit, src/session/group-commit.ts): the session's row is locked once, the
-- requests are decided in order and committed together. Each request (an element of `p_requests`: a list of
-- {player_id, player_data}) gets RESERVED seats with a deadline for all its players or none, in an ACTIVE session
-- accepting players; a player already seated gets that seat back. Players' own requests go through
-- joinery_join_session instead (the same rules as join by id). Rows: `request` is the request's index; per player
-- reserved or existing, or one row not_found, invalid_status, full, and in a batch of several error (the SQLSTATE
-- and message in `detail`: that request is rolled back whole, the others kept). Each request runs in a
-- subtransaction of its own; a batch holds at most 64 (see joinery_create_or_join_batch).
CREATE OR REPLACE FUNCTION joinery_reserve_seats_batch(p_session uuid, p_requests jsonb, p_timeout_seconds integer)
  RETURNS TABLE(request integer, outcome text, seat_id uuid, player_id text, detail text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_count integer := jsonb_array_length(p_requests);
  v_batch boolean := jsonb_array_length(p_requests) > 1;
  v_players jsonb;
  v_new integer;
  v_free integer;
  v_added record;
  v_outcomes text[];
  v_seats uuid[];
  v_ids text[];
  o_outcome text;
  o_detail text;
BEGIN
  IF v_count > 64 THEN
    RAISE EXCEPTION 'a seat reservation batch holds at most 64 requests, not %', v_count USING ERRCODE = '22023';
  END IF;
  PERFORM 1 FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT n, 'not_found'::text, NULL::uuid, NULL::text, NULL::text FROM generate_series(0, v_count - 1) AS n;
    RETURN;
  END IF;

  FOR i IN 0 .. v_count - 1 LOOP
    o_outcome := NULL; o_detail := NULL; v_outcomes := '{}'; v_seats := '{}'; v_ids := '{}';
    <<request>>
    BEGIN
      v_players := p_requests->i;
      SELECT * INTO g FROM game_session WHERE id = p_session;
      IF g.status <> 'ACTIVE' OR g.creation_policy <> 'ACCEPT_ALL' THEN
        o_outcome := 'invalid_status';
        EXIT request;
      END IF;

      SELECT count(*) INTO v_new FROM jsonb_array_elements(v_players) AS p
       WHERE NOT EXISTS (SELECT 1 FROM seat s WHERE s.session_id = p_session AND s.player_id = p->>'player_id'
                                                AND joinery_seat_occupies(s.status));
      v_free := g.max_players - g.player_count;
      IF v_free < v_new THEN
        PERFORM joinery_expire_session_reservations(p_session);
        SELECT max_players - player_count INTO v_free FROM game_session WHERE id = p_session;
      END IF;
      IF v_free < v_new THEN
        o_outcome := 'full';
        EXIT request;
      END IF;

      FOR j IN 0 .. jsonb_array_length(v_players) - 1 LOOP
        SELECT * INTO v_added FROM joinery_add_player(
          p_session, NULL, 'RESERVED', 'member', now() + make_interval(secs => p_timeout_seconds), NULL,
          jsonb_build_object('player_id', v_players->j->>'player_id', 'player_data', v_players->j->>'player_data'));
        IF v_added.outcome NOT IN ('joined', 'existing') THEN
          -- Cannot happen after the capacity check above; abort the whole request rather than half-succeed.
          RAISE EXCEPTION 'seat reservation failed: %', v_added.outcome USING ERRCODE = 'JY001';
        END IF;
        v_outcomes := v_outcomes || CASE WHEN v_added.outcome = 'joined' THEN 'reserved' ELSE 'existing' END;
        v_seats := v_seats || v_added.seat_id;
        v_ids := v_ids || (v_players->j->>'player_id');
      END LOOP;
    EXCEPTION WHEN OTHERS THEN
      IF NOT v_batch THEN
        RAISE;
      END IF;
      o_outcome := 'error';
      o_detail := SQLSTATE || ' ' || SQLERRM;
    END;
    IF o_outcome IS NULL THEN
      RETURN QUERY SELECT i, u.outcome, u.seat_id, u.player_id, NULL::text
                     FROM unnest(v_outcomes, v_seats, v_ids) AS u(outcome, seat_id, player_id);
    ELSE
      RETURN QUERY SELECT i, o_outcome, NULL::uuid, NULL::text, o_detail;
    END IF;
  END LOOP;
END
$$;

-- One CreatePlayerSession(s) request: the batch of one (see joinery_reserve_seats_batch), all or none. Outcomes
-- per player: reserved, existing; or one row not_found, invalid_status, full.
CREATE OR REPLACE FUNCTION joinery_reserve_seats(
  p_session uuid, p_player_ids text[], p_player_data text[], p_timeout_seconds integer
) RETURNS TABLE(outcome text, seat_id uuid, player_id text)
  LANGUAGE sql
  AS $$
  SELECT b.outcome, b.seat_id, b.player_id
    FROM joinery_reserve_seats_batch(
           p_session,
           jsonb_build_array(coalesce((SELECT jsonb_agg(jsonb_build_object('player_id', u.id, 'player_data', u.data)
                                                        ORDER BY u.n)
                                         FROM unnest(p_player_ids, p_player_data) WITH ORDINALITY AS u(id, data, n)),
                                      '[]'::jsonb)),
           p_timeout_seconds) AS b
$$;

-- A player asks for a seat in a given session, whichever door the request came through (RallyHere join by id, the
-- REST facade): an invitation the player holds is taken up; otherwise the session must be open for newcomers,
-- crossplay-compatible and, when it has a password, the password right. With p_reserve_seconds the seat is a
-- RESERVED one with that deadline (GameLift's handshake: the game server accepts it), else ACTIVE at once.
--
-- Passwords are scrypt digests checked by the service (src/auth/secrets.ts), in two steps: a call with
-- p_password_digest NULL answers `password_check` with the stored digest in `detail`; the service verifies the
-- presented password against it and calls again with that digest (right) or '' (wrong: counted, see
-- joinery_password_locked). Outcomes: joined, existing, not_found, crossplay_mismatch, not_joinable,
-- password_check, bad_password, password_locked, invalid_team, full.
CREATE OR REPLACE FUNCTION joinery_join_session(
  p_session uuid, p_team integer, p_player jsonb, p_password_given boolean, p_password_digest text,
  p_reserve_seconds integer
) RETURNS TABLE(outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text, detail text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v seat%ROWTYPE;
  v_player_id text := p_player->>'player_id';
  v_cp_family integer := (p_player->>'cp_family')::integer;
  v_status text := CASE WHEN p_reserve_seconds IS NULL THEN 'ACTIVE' ELSE 'RESERVED' END;
  v_deadline timestamptz := now() + make_interval(secs => p_reserve_seconds);
  v_role text;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND OR g.status <> 'ACTIVE' THEN
    RETURN QUERY SELECT 'not_found'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;

  SELECT * INTO v FROM seat WHERE session_id = p_session AND player_id = v_player_id AND joinery_seat_occupies(status);
  IF FOUND AND joinery_seat_overdue(v.status, v.reserved_until) THEN
    -- An expired invitation or reservation of the player's: it times out now, and the player joins afresh.
    PERFORM joinery_release_locked(v.id, 'TIMEDOUT');
    v := NULL;
    SELECT * INTO g FROM game_session WHERE id = p_session;
    IF g.status <> 'ACTIVE' THEN
      RETURN QUERY SELECT 'not_found'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
      RETURN;
    END IF;
  ELSIF FOUND AND joinery_seat_is_member(v.role, v.status) THEN
    RETURN QUERY SELECT 'existing'::text, p_session, v.team_id, v.id, v.role, NULL::text;
    RETURN;
  END IF;

  IF NOT (CASE WHEN v_cp_family IS NULL THEN joinery_cp_unrestricted(g.cp_required_families, g.cp_inputs_allowed)
               ELSE joinery_cp_can_join(g.cp_families_all, g.cp_required_families, g.cp_inputs_any,
                                        g.cp_inputs_allowed, v_cp_family, (p_player->>'cp_input')::integer,
                                        (p_player->>'cp_required')::integer, (p_player->>'cp_allowed')::integer)
          END) THEN
    RETURN QUERY SELECT 'crossplay_mismatch'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;

  IF v.id IS NOT NULL THEN
    -- An invitation (or a RallyHere reservation) held by the player: taken up, whatever the joinability.
    v_role := CASE WHEN EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND role = 'leader'
                                                   AND joinery_seat_occupies(status)) THEN 'member' ELSE 'leader' END;
    UPDATE seat SET status = v_status, role = v_role,
                    joined_at = CASE WHEN v_status = 'ACTIVE' THEN now() END,
                    reserved_until = CASE WHEN v_status = 'RESERVED' THEN v_deadline END,
                    last_seen_at = now(),
                    client_version = p_player->>'client_version', platform = p_player->>'platform',
                    input = p_player->>'input', permitted_platform = p_player->>'permitted_platform',
                    permitted_input = p_player->>'permitted_input', cp_family = v_cp_family,
                    cp_input = (p_player->>'cp_input')::integer,
                    cp_required_families = (p_player->>'cp_required')::integer,
                    cp_allowed_inputs = (p_player->>'cp_allowed')::integer,
                    custom_data = coalesce(p_player->'custom_data', custom_data),
                    player_data = coalesce(p_player->>'player_data', player_data)
     WHERE id = v.id;
    PERFORM joinery_refresh_crossplay(p_session);
    UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = p_session;
    PERFORM joinery_emit(p_session, 'joined', v_player_id,
                         jsonb_build_object('team_id', v.team_id, 'status', v_role, 'seat_status', v_status));
    RETURN QUERY SELECT 'joined'::text, p_session, v.team_id, v.id, v_role, NULL::text;
    RETURN;
  END IF;

  IF NOT joinery_session_open(g.status, g.public, g.creation_policy) THEN
    RETURN QUERY SELECT 'not_joinable'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;

  IF g.password_digest IS NOT NULL THEN
    IF joinery_password_locked(g.password_failures, g.password_failed_at) THEN
      RETURN QUERY SELECT 'password_locked'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
      RETURN;
    END IF;
    IF NOT coalesce(p_password_given, false) THEN
      RETURN QUERY SELECT 'bad_password'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
      RETURN;
    END IF;
    IF p_password_digest IS NULL THEN
      RETURN QUERY SELECT 'password_check'::text, p_session, NULL::integer, NULL::uuid, NULL::text, g.password_digest;
      RETURN;
    END IF;
    IF p_password_digest IS DISTINCT FROM g.password_digest THEN
      UPDATE game_session SET password_failures = password_failures + 1, password_failed_at = now()
       WHERE id = p_session;
      RETURN QUERY SELECT 'bad_password'::text, p_session, NULL::integer, NULL::uuid, NULL::text, NULL::text;
      RETURN;
    END IF;
    IF g.password_failures > 0 THEN
      UPDATE game_session SET password_failures = 0, password_failed_at = NULL WHERE id = p_session;
    END IF;
  END IF;

  RETURN QUERY SELECT a.*, NULL::text FROM joinery_add_player(
    p_session, p_team, v_status, 'member', CASE WHEN v_status = 'RESERVED' THEN v_deadline END, NULL, p_player) a;
END
$$;
