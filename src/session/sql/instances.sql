-- The instance of a session (the table session_instance; RallyHere's InstanceInfo): the game server that hosts it.
-- A host registers it (a dedicated server with its client token, or a player for host_type player), or a player
-- asks for one and a Server SDK process of the session's fleet is allocated (game-servers.sql binds it); the host
-- updates it (join status, how to connect, version, custom data), sends health checks, and unregisters it.
-- Locking: the session's row first (FOR UPDATE; a health check takes FOR KEY SHARE), then the instance's; a Server
-- SDK process hosting the instance is locked before both, as everywhere in game-servers.sql.
--
-- Health (GET /session/v1/instance/health/config: cadence C seconds, P percent, N checks): a host sends a check
-- every C seconds. It is unhealthy when at least P% of the checks expected in the last N x C seconds are missing,
-- and unknown (gone) when N checks in a row are missing. A Server SDK process's instance that gets no checks has
-- the process's own health (its GameLift heartbeats, game-servers.sql).

-- Gone: closed, or its host stopped: N checks in a row missing (counted from its registration when it never sent
-- one), or, for a Server SDK process that sends no checks, the process is no longer ACTIVE. `p` is the process
-- (a NULL row when there is none). A gone instance may be replaced by a new registration.
CREATE OR REPLACE FUNCTION joinery_instance_gone(i session_instance, p server_process, p_cadence integer,
                                                 p_missed integer)
  RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
  SELECT i.join_status = 'closed'
      OR CASE WHEN i.last_check_at IS NULL AND i.process_id IS NOT NULL THEN p.status IS DISTINCT FROM 'ACTIVE'
              ELSE now() - coalesce(i.last_check_at, i.created_at) >= make_interval(secs => p_cadence * p_missed)
         END
$$;

-- The health of an instance as every read shows it (RallyHere's InstanceHealthStatus): unknown when gone; a Server
-- SDK process without checks: healthy or unhealthy as the process; unhealthy when at least P% of the checks
-- expected since the window began (or since its registration, when later) are missing; otherwise what the host
-- last reported (unknown before its first check).
CREATE OR REPLACE FUNCTION joinery_instance_health(i session_instance, p server_process, p_cadence integer,
                                                   p_percent integer, p_missed integer)
  RETURNS text
  LANGUAGE sql STABLE
  AS $$
  SELECT CASE
           WHEN joinery_instance_gone(i, p, p_cadence, p_missed) THEN 'unknown'
           WHEN i.last_check_at IS NULL AND i.process_id IS NOT NULL
             THEN CASE WHEN p.healthy THEN 'healthy' ELSE 'unhealthy' END
           WHEN c.expected > 0 AND (c.expected - c.received) * 100 >= p_percent * c.expected THEN 'unhealthy'
           ELSE coalesce(i.reported_health, 'unknown')
         END
    FROM (SELECT floor(extract(epoch FROM least(make_interval(secs => p_cadence * p_missed), now() - i.created_at))
                       / p_cadence)::integer AS expected,
                 (SELECT count(*)::integer FROM unnest(i.health_checks) AS t
                   WHERE t > now() - make_interval(secs => p_cadence * p_missed)) AS received) c
$$;

-- Whether the actor hosts the instance: the player named as its host, or the client that registered itself (a
-- client token: p_player_id NULL). Privileged actors (session:update:any) act on any instance.
CREATE OR REPLACE FUNCTION joinery_instance_host(i session_instance, p_player_id text, p_client_id text,
                                                 p_privileged boolean)
  RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$
  SELECT coalesce(p_privileged, false)
      OR (p_player_id IS NOT NULL AND i.host_player_id IS NOT DISTINCT FROM p_player_id)
      OR (p_player_id IS NULL AND p_client_id IS NOT NULL AND i.host_client_id IS NOT DISTINCT FROM p_client_id)
$$;

-- POST /session/v1/session/{id}/instance, by the session's leader or a privileged actor. `p_instance`:
-- {instance_id?, host_type, host_player_id?, host_client_id?, startup_params?, custom_data?}. A live instance
-- stays: the same instance_id (or, none given, the same host) gets it back, anything else is refused; a closed or
-- gone one is replaced.
-- With p_spawn (a player asks for a dedicated server), an idle Server SDK process of the session's fleet is
-- allocated (joinery_bind_process, which also pushes it CreateGameSession, the startup parameters as its
-- GameSessionData); otherwise the caller's host is registered, pending until it says it is joinable.
-- Outcomes: registered | spawned | existing | exists | no_capacity | forbidden | not_found.
CREATE OR REPLACE FUNCTION joinery_register_instance(p_session uuid, p_instance jsonb, p_actor_id text,
                                                     p_privileged boolean, p_spawn boolean, p_window_seconds integer,
                                                     p_cadence integer, p_missed integer)
  RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  i session_instance%ROWTYPE;
  p server_process%ROWTYPE;
  v_process uuid;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF NOT joinery_may_lead(p_session, p_actor_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  SELECT * INTO i FROM session_instance WHERE session_id = p_session FOR UPDATE;
  IF FOUND THEN
    SELECT * INTO p FROM server_process WHERE id = i.process_id;
    IF NOT joinery_instance_gone(i, p, p_cadence, p_missed) THEN
      -- A retry gets it back: the same instance_id, or (none given) the same host registering again.
      IF i.instance_id = p_instance->>'instance_id'
         OR (NOT p_instance ? 'instance_id' AND NOT p_spawn
             AND (i.host_player_id = p_instance->>'host_player_id' OR i.host_client_id = p_instance->>'host_client_id')) THEN
        RETURN 'existing';
      END IF;
      RETURN 'exists';
    END IF;
  END IF;
  IF p_spawn THEN
    v_process := joinery_lock_idle_process(g.fleet_id, NULL, p_window_seconds);
    IF v_process IS NULL THEN
      RETURN 'no_capacity';
    END IF;
    UPDATE game_session SET game_session_data = (p_instance->'startup_params')::text WHERE id = p_session;
    PERFORM joinery_bind_process(v_process, p_session, p_instance);
    RETURN 'spawned';
  END IF;
  INSERT INTO session_instance (session_id, instance_id, host_type, host_player_id, host_client_id, join_status,
                                startup_params, custom_data)
  VALUES (p_session, coalesce(p_instance->>'instance_id', gen_random_uuid()::text), p_instance->>'host_type',
          p_instance->>'host_player_id', p_instance->>'host_client_id', 'pending', p_instance->'startup_params',
          coalesce(p_instance->'custom_data', '{}'))
  ON CONFLICT (session_id) DO UPDATE
    SET instance_id = excluded.instance_id, host_type = excluded.host_type, host_player_id = excluded.host_player_id,
        host_client_id = excluded.host_client_id, process_id = NULL, host_process_pid = NULL, host_server_id = NULL,
        join_status = 'pending', public_conn_str = NULL, private_conn_str = NULL, join_custom_data = '{}',
        startup_params = excluded.startup_params, version = NULL, custom_data = excluded.custom_data, match_id = NULL,
        reported_health = NULL, last_check_at = NULL, health_checks = '{}', health = 'unknown', created_at = now(),
        updated_at = now()
  RETURNING * INTO i;
  PERFORM joinery_emit(p_session, 'instance_registered', NULL,
                       jsonb_build_object('instance_id', i.instance_id, 'host_type', i.host_type,
                                          'join_status', i.join_status));
  RETURN 'registered';
END
$$;

-- PATCH /session/v1/session/{id}/instance, by its host or a privileged actor. `p_changes`: join_status,
-- join_params {public_conn_str, private_conn_str, custom_data?}, version, custom_data (replaced), match_id; absent
-- members stay. An instance with an allocation id (a Server SDK process's: the service passes it as
-- p_instance_allocation) must be named by it (p_allocation, the caller's); one without takes none. Emits
-- instance_ready (now joinable), instance_ended (now closed) or instance_updated.
-- Outcomes: updated | unchanged | no_instance (none, or closed) | allocation_mismatch | forbidden | not_found.
CREATE OR REPLACE FUNCTION joinery_update_instance(p_session uuid, p_changes jsonb, p_actor_id text,
                                                   p_client_id text, p_privileged boolean, p_allocation text,
                                                   p_instance_allocation text)
  RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  i session_instance%ROWTYPE;
  v session_instance%ROWTYPE;
  v_kind text;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT * INTO i FROM session_instance WHERE session_id = p_session AND join_status <> 'closed' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'no_instance';
  END IF;
  IF NOT joinery_instance_host(i, p_actor_id, p_client_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  IF p_allocation IS DISTINCT FROM (CASE WHEN i.process_id IS NOT NULL THEN p_instance_allocation END) THEN
    RETURN 'allocation_mismatch';
  END IF;
  UPDATE session_instance
     SET join_status = coalesce(p_changes->>'join_status', join_status),
         public_conn_str = coalesce(p_changes->'join_params'->>'public_conn_str', public_conn_str),
         private_conn_str = coalesce(p_changes->'join_params'->>'private_conn_str', private_conn_str),
         join_custom_data = CASE WHEN p_changes ? 'join_params'
                                 THEN coalesce(p_changes->'join_params'->'custom_data', '{}') ELSE join_custom_data END,
         version = coalesce(p_changes->>'version', version),
         custom_data = coalesce(p_changes->'custom_data', custom_data),
         match_id = coalesce(p_changes->>'match_id', match_id)
   WHERE session_id = p_session
  RETURNING * INTO v;
  IF (to_jsonb(v) - 'updated_at') = (to_jsonb(i) - 'updated_at') THEN
    RETURN 'unchanged';
  END IF;
  UPDATE session_instance SET updated_at = now() WHERE session_id = p_session;
  v_kind := CASE WHEN v.join_status = i.join_status THEN 'instance_updated'
                 WHEN v.join_status = 'joinable' THEN 'instance_ready'
                 WHEN v.join_status = 'closed' THEN 'instance_ended'
                 ELSE 'instance_updated' END;
  PERFORM joinery_emit(p_session, v_kind, NULL,
                       jsonb_build_object('instance_id', v.instance_id, 'join_status', v.join_status));
  RETURN 'updated';
END
$$;

-- DELETE /session/v1/session/{id}/instance, by its host or a privileged actor: the instance is closed (the session
-- stays). A Server SDK process hosting it is let go of the session and ended, pushed TerminateProcess. The process
-- is locked first (game-servers.sql's order), then the session, and the instance is checked to be still its.
-- Outcomes: ended | already_ended | no_instance | forbidden | not_found.
CREATE OR REPLACE FUNCTION joinery_end_instance(p_session uuid, p_actor_id text, p_client_id text,
                                                p_privileged boolean)
  RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  i session_instance%ROWTYPE;
  v_process uuid;
BEGIN
  SELECT process_id INTO v_process FROM session_instance WHERE session_id = p_session;
  IF v_process IS NOT NULL THEN
    PERFORM 1 FROM server_process WHERE id = v_process FOR UPDATE;
  END IF;
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT * INTO i FROM session_instance WHERE session_id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'no_instance';
  END IF;
  IF NOT joinery_instance_host(i, p_actor_id, p_client_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  IF i.join_status = 'closed' THEN
    RETURN 'already_ended';
  END IF;
  UPDATE session_instance SET join_status = 'closed', updated_at = now() WHERE session_id = p_session;
  IF i.process_id IS NOT NULL AND i.process_id IS NOT DISTINCT FROM v_process THEN
    UPDATE server_process SET game_session_id = NULL WHERE id = i.process_id AND game_session_id = p_session;
    PERFORM joinery_process_end(i.process_id, 'INSTANCE_ENDED', true);
  END IF;
  PERFORM joinery_emit(p_session, 'instance_ended', NULL,
                       jsonb_build_object('instance_id', i.instance_id, 'join_status', 'closed'));
  RETURN 'ended';
END
$$;

-- POST /session/v1/session/{id}/instance/health: the host (or a privileged actor) reports the instance's health.
-- The check is recorded (the times of the last N x C seconds are kept, at most 2N), and the health that follows
-- is answered: it may differ from the one reported when too few checks arrive. A change of health is an event.
-- Outcomes: ok | no_instance (none, closed, or another instance_id) | forbidden | not_found.
CREATE OR REPLACE FUNCTION joinery_instance_health_check(p_session uuid, p_instance_id text, p_health text,
                                                         p_actor_id text, p_client_id text, p_privileged boolean,
                                                         p_cadence integer, p_percent integer, p_missed integer)
  RETURNS TABLE (outcome text, health text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  i session_instance%ROWTYPE;
  p server_process%ROWTYPE;
  v_health text;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR KEY SHARE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found', NULL::text;
    RETURN;
  END IF;
  SELECT * INTO i FROM session_instance WHERE session_id = p_session AND instance_id = p_instance_id
                                          AND join_status <> 'closed' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'no_instance', NULL::text;
    RETURN;
  END IF;
  IF NOT joinery_instance_host(i, p_actor_id, p_client_id, p_privileged) THEN
    RETURN QUERY SELECT 'forbidden', NULL::text;
    RETURN;
  END IF;
  UPDATE session_instance
     SET reported_health = p_health, last_check_at = now(),
         health_checks = ARRAY(SELECT t FROM unnest(health_checks || now()) AS t
                                WHERE t > now() - make_interval(secs => p_cadence * p_missed)
                                ORDER BY t DESC LIMIT 2 * p_missed)
   WHERE session_id = p_session
  RETURNING * INTO i;
  SELECT * INTO p FROM server_process WHERE id = i.process_id;
  v_health := joinery_instance_health(i, p, p_cadence, p_percent, p_missed);
  IF v_health IS DISTINCT FROM i.health THEN
    UPDATE session_instance SET health = v_health WHERE session_id = p_session;
    PERFORM joinery_emit(p_session, 'instance_health_changed', NULL,
                         jsonb_build_object('instance_id', i.instance_id, 'instance_health', v_health,
                                            'previous', i.health));
  END IF;
  RETURN QUERY SELECT 'ok', v_health;
END
$$;

-- The sweeper's health pass (one Joinery instance at a time; sessions others hold are left for the next tick):
-- instances whose health changed without a check (a host that stopped sending them becomes unhealthy, then
-- unknown; a Server SDK process reported unhealthy) get it recorded and sent as an event. Returns how many.
CREATE OR REPLACE FUNCTION joinery_sweep_instances(p_cadence integer, p_percent integer, p_missed integer,
                                                   p_batch integer)
  RETURNS integer
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  r record;
  v_count integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('joinery:instance-sweeper', 0)) THEN
    RETURN 0;
  END IF;
  FOR r IN
    SELECT i.session_id, i.instance_id, i.health AS previous,
           joinery_instance_health(i, p, p_cadence, p_percent, p_missed) AS health
      FROM session_instance i
      JOIN game_session g ON g.id = i.session_id AND g.status = 'ACTIVE'
      LEFT JOIN server_process p ON p.id = i.process_id
     WHERE i.join_status <> 'closed'
       AND joinery_instance_health(i, p, p_cadence, p_percent, p_missed) IS DISTINCT FROM i.health
     LIMIT p_batch
       FOR UPDATE OF g, i SKIP LOCKED
  LOOP
    UPDATE session_instance SET health = r.health WHERE session_id = r.session_id;
    PERFORM joinery_emit(r.session_id, 'instance_health_changed', NULL,
                         jsonb_build_object('instance_id', r.instance_id, 'instance_health', r.health,
                                            'previous', r.previous));
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
