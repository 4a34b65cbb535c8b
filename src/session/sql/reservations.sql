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
