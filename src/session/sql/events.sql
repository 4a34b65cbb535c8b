-- Session events (the table session_event): each change of a session is appended by the function that makes it,
-- in the same transaction. The id is taken under a transaction-wide advisory lock held until commit, so ids grow
-- in commit order: a reader that has seen id N has seen every event committed before N, and resumes from N with
-- nothing lost or repeated. NOTIFY (delivered at commit) only wakes listeners up; the table is the truth.

-- Appends an event of a session whose row the caller has locked: `p_kind` (joined, invited, left, kicked,
-- timed_out, culled, leader_changed, player_updated, session_updated, session_ended, ...), the player it is
-- about, its data. Recipients: every player holding a seat or an invitation in the session now, and that player.
-- While the transaction defers its events (joinery_defer_events), the event, with its recipients as they are now,
-- waits in the transaction's buffer until joinery_flush_events appends it.
CREATE OR REPLACE FUNCTION joinery_emit(p_session uuid, p_kind text, p_player_id text, p_data jsonb) RETURNS void
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_id bigint;
  v_recipients text[];
  v_pending text;
BEGIN
  SELECT coalesce(array_agg(DISTINCT player_id), '{}') INTO v_recipients
    FROM seat WHERE session_id = p_session AND joinery_seat_occupies(status);
  IF p_player_id IS NOT NULL AND NOT (p_player_id = ANY (v_recipients)) THEN
    v_recipients := v_recipients || p_player_id;
  END IF;
  IF current_setting('joinery.events_deferred', true) = 'on' THEN
    v_pending := current_setting('joinery.pending_events', true);
    PERFORM set_config('joinery.pending_events',
                       CASE WHEN coalesce(v_pending, '') = '' THEN '' ELSE v_pending || ',' END
                         || jsonb_build_object('session_id', p_session, 'kind', p_kind, 'player_id', p_player_id,
                                               'recipients', v_recipients, 'data', coalesce(p_data, '{}'))::text,
                       true);
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('joinery:session-events', 0));
  v_id := nextval('session_event_id_seq');
  INSERT INTO session_event (id, session_id, kind, player_id, recipients, data)
  VALUES (v_id, p_session, p_kind, p_player_id, v_recipients, coalesce(p_data, '{}'));
  PERFORM pg_notify('joinery_session_events', v_id::text);
END
$$;

-- Defers the transaction's events (a group commit, joinery_create_or_join_batch): joinery_emit keeps them, in
-- order, in a transaction-local buffer (a setting: rolled back with a subtransaction that fails, gone at the
-- transaction's end, no table written) instead of taking the events lock at once. The events lock is held from an
-- event's id to the commit; a transaction holding it must never wait for a session's row lock (whose holder may
-- be waiting for the events lock), and a batch waits for rows until its last player is seated.
CREATE OR REPLACE FUNCTION joinery_defer_events() RETURNS void
  LANGUAGE sql
  AS $$
  SELECT set_config('joinery.pending_events', '', true), set_config('joinery.events_deferred', 'on', true);
$$;

-- Appends the deferred events in the order they were emitted, under the events lock (ids in commit order), and
-- ends the deferral. Returns how many.
CREATE OR REPLACE FUNCTION joinery_flush_events() RETURNS integer
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_pending text := coalesce(current_setting('joinery.pending_events', true), '');
  v_event jsonb;
  v_id bigint;
  v_count integer := 0;
BEGIN
  PERFORM set_config('joinery.events_deferred', 'off', true), set_config('joinery.pending_events', '', true);
  IF v_pending = '' THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('joinery:session-events', 0));
  FOR v_event IN SELECT e FROM jsonb_array_elements(('[' || v_pending || ']')::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n
  LOOP
    v_id := nextval('session_event_id_seq');
    INSERT INTO session_event (id, session_id, kind, player_id, recipients, data)
    VALUES (v_id, (v_event->>'session_id')::uuid, v_event->>'kind', v_event->>'player_id',
            ARRAY(SELECT jsonb_array_elements_text(v_event->'recipients')), v_event->'data');
    PERFORM pg_notify('joinery_session_events', v_id::text);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
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
