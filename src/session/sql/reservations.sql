-- The seat lifecycle's clock: reservations (GameLift player sessions, invitations) past their deadline
-- (joinery_seat_overdue) are timed out: TIMEDOUT, their seats freed through joinery_release_locked.

-- Times out a locked session's overdue reservations. Returns how many seats were freed.
CREATE OR REPLACE FUNCTION joinery_expire_session_reservations(p_session uuid) RETURNS integer
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_seat uuid;
  v_count integer := 0;
BEGIN
  FOR v_seat IN
    SELECT id FROM seat WHERE session_id = p_session AND joinery_seat_overdue(status, reserved_until)
  LOOP
    IF joinery_release_locked(v_seat, 'TIMEDOUT') = 'released' THEN
      v_count := v_count + 1;
    END IF;
  END LOOP;
  RETURN v_count;
END
$$;

-- The sweeper (src/session/reservation-sweeper.ts): one instance at a time, a batch of sessions per call, skipping
-- sessions another transaction holds (they time out their own reservations when they need the seats). The batch is
-- counted after the skip (LIMIT over FOR UPDATE SKIP LOCKED), so held sessions never use up a batch.
CREATE OR REPLACE FUNCTION joinery_sweep_reservations(p_sessions integer) RETURNS integer
  LANGUAGE plpgsql
  AS $$
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
     WHERE g.id IN (SELECT session_id FROM seat WHERE joinery_seat_overdue(status, reserved_until))
     LIMIT p_sessions
     FOR UPDATE OF g SKIP LOCKED
  LOOP
    v_count := v_count + joinery_expire_session_reservations(v_session);
  END LOOP;
  RETURN v_count;
END
$$;

-- A player's client polled (read their session, or their sessions): seen now, in that session or in all of theirs.
-- Written at most once a second per seat, so polling stays a read.
CREATE OR REPLACE FUNCTION joinery_player_seen(p_player_id text, p_session uuid) RETURNS void
  LANGUAGE sql
  AS $$
  UPDATE seat SET last_seen_at = now()
   WHERE player_id = p_player_id AND joinery_seat_occupies(status) AND (p_session IS NULL OR session_id = p_session)
     AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 second')
$$;

-- Not seen past the session's player_culling_timeout: a member (not an invitee, whose invitation expires on its
-- own) whose client stopped polling.
CREATE OR REPLACE FUNCTION joinery_seat_unseen(
  p_role text, p_status text, p_last_seen timestamptz, p_joined timestamptz, p_created timestamptz, p_timeout integer
) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
  SELECT p_timeout IS NOT NULL AND joinery_seat_is_member(p_role, p_status)
     AND coalesce(p_last_seen, p_joined, p_created) < now() - make_interval(secs => p_timeout)
$$;

-- The culling pass of the sweeper: players not seen past their session's player_culling_timeout lose their seats
-- (COMPLETED, through joinery_release_locked: the leader hands over, an emptied session ends). One instance at a
-- time, a batch of sessions per call, skipping locked sessions. Returns how many seats were freed.
CREATE OR REPLACE FUNCTION joinery_cull_players(p_sessions integer) RETURNS integer
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_session uuid;
  v_seat uuid;
  v_count integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('joinery:culler', 0)) THEN
    RETURN 0;
  END IF;
  FOR v_session IN
    SELECT g.id FROM game_session g
     WHERE g.player_culling_timeout IS NOT NULL AND g.status = 'ACTIVE'
       AND EXISTS (SELECT 1 FROM seat s WHERE s.session_id = g.id
                      AND joinery_seat_unseen(s.role, s.status, s.last_seen_at, s.joined_at, s.created_at,
                                              g.player_culling_timeout))
     LIMIT p_sessions
     FOR UPDATE OF g SKIP LOCKED
  LOOP
    FOR v_seat IN
      SELECT s.id FROM seat s JOIN game_session g ON g.id = s.session_id
       WHERE s.session_id = v_session
         AND joinery_seat_unseen(s.role, s.status, s.last_seen_at, s.joined_at, s.created_at, g.player_culling_timeout)
    LOOP
      IF joinery_release_locked(v_seat, 'COMPLETED', 'culled') = 'released' THEN
        v_count := v_count + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN v_count;
END
$$;
