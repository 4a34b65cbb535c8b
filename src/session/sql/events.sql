-- Session events (the table session_event): each change of a session is appended by the function that makes it,
-- in the same transaction. The id is taken under a transaction-wide advisory lock held until commit, so ids grow
-- in commit order: a reader that has seen id N has seen every event committed before N, and resumes from N with
-- nothing lost or repeated. NOTIFY (delivered at commit) only wakes listeners up; the table is the truth.

-- Appends an event of a session whose row the caller has locked: `p_kind` (joined, invited, left, kicked,
-- timed_out, culled, leader_changed, player_updated, session_updated, session_ended, ...), the player it is
-- about, its data. Recipients: every player holding a seat or an invitation in the session now, and that player.
CREATE OR REPLACE FUNCTION joinery_emit(p_session uuid, p_kind text, p_player_id text, p_data jsonb) RETURNS void
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_id bigint;
  v_recipients text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('joinery:session-events', 0));
  v_id := nextval('session_event_id_seq');
  SELECT coalesce(array_agg(DISTINCT player_id), '{}') INTO v_recipients
    FROM seat WHERE session_id = p_session AND joinery_seat_occupies(status);
  IF p_player_id IS NOT NULL AND NOT (p_player_id = ANY (v_recipients)) THEN
    v_recipients := v_recipients || p_player_id;
  END IF;
  INSERT INTO session_event (id, session_id, kind, player_id, recipients, data)
  VALUES (v_id, p_session, p_kind, p_player_id, v_recipients, coalesce(p_data, '{}'));
  PERFORM pg_notify('joinery_session_events', v_id::text);
END
$$;

-- Events a player may see after an id, oldest first: a page of a stream (GET /session/v1/player/me/session/events).
CREATE OR REPLACE FUNCTION joinery_events_for(p_player_id text, p_after bigint, p_limit integer)
  RETURNS SETOF session_event
  LANGUAGE sql STABLE
  AS $$
  SELECT * FROM session_event WHERE recipients @> ARRAY[p_player_id] AND id > p_after ORDER BY id LIMIT p_limit
$$;

-- Events are kept for a day (a stream resumes within it); the sweeper deletes older ones. Returns how many.
CREATE OR REPLACE FUNCTION joinery_prune_events(p_keep interval) RETURNS integer
  LANGUAGE sql
  AS $$
  WITH gone AS (DELETE FROM session_event WHERE at < now() - p_keep RETURNING 1) SELECT count(*)::int FROM gone
$$;
