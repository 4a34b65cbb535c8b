-- Game-server processes and placement: the core's rules for GameLift Server SDK 5 processes.
-- Locking: a function that changes a process locks its server_process row first, then (through the
-- ledger's functions) the game session's row. Placement picks a process with FOR UPDATE, so two
-- concurrent placements never get the same process. Pushes to a process's socket go out with
-- pg_notify on channel joinery_sdk_push, sent when the transaction commits; the instance holding
-- the socket sends them (src/gamelift/server-sdk/).

-- Sends one push for a process (delivered at commit): {"p": process, "a": action, ...extra}.
CREATE OR REPLACE FUNCTION joinery_sdk_push(p_process uuid, p_action text, p_extra jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $fn$
  SELECT pg_notify('joinery_sdk_push', (jsonb_build_object('p', p_process, 'a', p_action) || p_extra)::text)
$fn$;

-- A placed session changed (UpdateGameSession): its process is pushed UpdateGameSession.
CREATE OR REPLACE FUNCTION joinery_push_session_update(p_session uuid)
RETURNS void LANGUAGE sql AS $fn$
  SELECT joinery_sdk_push(g.process_id, 'UpdateGameSession', jsonb_build_object('s', g.id))
    FROM game_session g JOIN server_process p ON p.id = g.process_id AND p.game_session_id = g.id
   WHERE g.id = p_session AND p.status = 'ACTIVE'
$fn$;

-- A process may take a session: ready, healthy, connected, idle, and heard from within the window.
CREATE OR REPLACE FUNCTION joinery_process_idle(p server_process, p_window_seconds integer)
RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT p.status = 'ACTIVE' AND p.healthy AND p.connected AND p.game_session_id IS NULL
     AND p.last_heartbeat_at > now() - make_interval(secs => p_window_seconds)
$fn$;

-- A socket opened for (fleet, compute, pID): the process row is created, or an existing live one
-- gets this socket as its current one (a reconnect, or a second socket replacing the first).
-- Outcomes: connected | reconnected | terminated (the pID belongs to an ended process) | no_compute.
CREATE OR REPLACE FUNCTION joinery_process_connect(
  p_fleet text, p_compute text, p_pid text, p_connection uuid, p_instance text, p_sdk_language text, p_sdk_version text)
RETURNS TABLE (outcome text, process_id uuid, process_status text, game_session_id uuid, join_status text,
               previous_instance text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  p server_process%ROWTYPE;
BEGIN
  PERFORM 1 FROM compute WHERE fleet_id = p_fleet AND name = p_compute;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'no_compute', NULL::uuid, NULL::text, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;
  INSERT INTO server_process (fleet_id, compute_name, pid, connection_id, instance_id, sdk_language, sdk_version)
  VALUES (p_fleet, p_compute, p_pid, p_connection, p_instance, p_sdk_language, p_sdk_version)
  ON CONFLICT ON CONSTRAINT uq_server_process_pid DO NOTHING
  RETURNING * INTO p;
  IF FOUND THEN
    RETURN QUERY SELECT 'connected', p.id, p.status, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT * INTO p FROM server_process
   WHERE fleet_id = p_fleet AND compute_name = p_compute AND pid = p_pid FOR UPDATE;
  IF p.status = 'TERMINATED' THEN
    RETURN QUERY SELECT 'terminated', p.id, p.status, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;
  UPDATE server_process SET connection_id = p_connection, instance_id = p_instance, connected = true,
                            disconnected_at = NULL, updated_at = now()
   WHERE id = p.id;
  -- Instances holding an older socket of this process stop pushing to it.
  PERFORM joinery_sdk_push(p.id, 'Replaced', jsonb_build_object('c', p_connection));
  RETURN QUERY
    SELECT 'reconnected', p.id, p.status, p.game_session_id, i.join_status, p.instance_id
      FROM (SELECT 1) one LEFT JOIN session_instance i ON i.session_id = p.game_session_id AND i.process_id = p.id;
END
$fn$;

-- The current socket of a process closed or dropped without ProcessEnding: the process stays for
-- the grace period (the SDK reconnects at once). A socket that is no longer current changes nothing.
CREATE OR REPLACE FUNCTION joinery_process_disconnect(p_process uuid, p_connection uuid)
RETURNS boolean LANGUAGE sql AS $fn$
  WITH changed AS (
    UPDATE server_process SET connected = false, disconnected_at = now(), updated_at = now()
     WHERE id = p_process AND connection_id = p_connection AND connected
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM changed)
$fn$;

-- ProcessReady (ActivateServerProcess): the process is ACTIVE, healthy, and may host a session.
-- Outcomes: ready | not_current (another socket replaced this one) | terminated | not_found.
CREATE OR REPLACE FUNCTION joinery_process_ready(
  p_process uuid, p_connection uuid, p_port integer, p_log_paths jsonb, p_sdk_language text, p_sdk_version text)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  p server_process%ROWTYPE;
BEGIN
  SELECT * INTO p FROM server_process WHERE id = p_process FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF p.status = 'TERMINATED' THEN
    RETURN 'terminated';
  END IF;
  IF p.connection_id IS DISTINCT FROM p_connection THEN
    RETURN 'not_current';
  END IF;
  UPDATE server_process SET status = 'ACTIVE', healthy = true, port = p_port,
                            log_paths = coalesce(p_log_paths, '[]'::jsonb),
                            sdk_language = coalesce(p_sdk_language, sdk_language),
                            sdk_version = coalesce(p_sdk_version, sdk_version),
                            last_heartbeat_at = now(), healthy_at = now(), updated_at = now()
   WHERE id = p_process;
  RETURN 'ready';
END
$fn$;

-- HeartbeatServerProcess: the process reports its health. Unhealthy: no new sessions now; the
-- sweeper ends it when it stays so for the configured time. Outcomes: ok | terminated | not_found.
CREATE OR REPLACE FUNCTION joinery_process_heartbeat(p_process uuid, p_healthy boolean)
RETURNS text LANGUAGE sql AS $fn$
  WITH changed AS (
    UPDATE server_process SET healthy = p_healthy AND status = 'ACTIVE', last_heartbeat_at = now(),
                              healthy_at = CASE WHEN p_healthy THEN now() ELSE healthy_at END, updated_at = now()
     WHERE id = p_process AND status <> 'TERMINATED'
    RETURNING 1)
  SELECT CASE WHEN EXISTS (SELECT 1 FROM changed) THEN 'ok'
              WHEN EXISTS (SELECT 1 FROM server_process WHERE id = p_process) THEN 'terminated'
              ELSE 'not_found' END
$fn$;

-- Locks an idle process of the fleet (in the location, when given). Concurrent placements skip the
-- processes others hold; when all candidates seem taken, it waits for them once, so a process that
-- was only briefly locked (a heartbeat) is not missed. Returns NULL when the fleet has none.
CREATE OR REPLACE FUNCTION joinery_lock_idle_process(p_fleet text, p_location text, p_window_seconds integer)
RETURNS uuid LANGUAGE plpgsql AS $fn$
DECLARE
  v uuid;
BEGIN
  SELECT p.id INTO v FROM server_process p JOIN compute c ON c.fleet_id = p.fleet_id AND c.name = p.compute_name
   WHERE p.fleet_id = p_fleet AND (p_location IS NULL OR c.location = p_location) AND c.status = 'ACTIVE'
     AND joinery_process_idle(p, p_window_seconds)
   ORDER BY p.last_heartbeat_at DESC, p.id
   LIMIT 1 FOR UPDATE OF p SKIP LOCKED;
  IF v IS NULL THEN
    SELECT p.id INTO v FROM server_process p JOIN compute c ON c.fleet_id = p.fleet_id AND c.name = p.compute_name
     WHERE p.fleet_id = p_fleet AND (p_location IS NULL OR c.location = p_location) AND c.status = 'ACTIVE'
       AND joinery_process_idle(p, p_window_seconds)
     ORDER BY p.id
     LIMIT 1 FOR UPDATE OF p;
  END IF;
  RETURN v;
END
$fn$;

-- Binds a locked idle process to a session: the session gets the compute's address and the
-- process's port, its instance (session_instance, replacing a previous one) is the process, pending
-- until the server activates it, with `host:port` to connect to, and the process is pushed
-- CreateGameSession. `p_instance` (a RallyHere request for an instance) may give the instance's
-- instance_id, host_type, startup_params and custom_data.
CREATE OR REPLACE FUNCTION joinery_bind_process(p_process uuid, p_session uuid, p_instance jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  p server_process%ROWTYPE;
  c compute%ROWTYPE;
  v_host text;
  v_id text := coalesce(p_instance->>'instance_id', p_process::text);
  v_type text := coalesce(p_instance->>'host_type', 'dedicated');
BEGIN
  SELECT * INTO p FROM server_process WHERE id = p_process;
  SELECT * INTO c FROM compute WHERE fleet_id = p.fleet_id AND name = p.compute_name;
  UPDATE server_process SET game_session_id = p_session, updated_at = now() WHERE id = p_process;
  UPDATE game_session SET process_id = p_process, ip_address = c.ip_address,
                          dns_name = c.dns_name, port = p.port, version = version + 1, updated_at = now()
   WHERE id = p_session;
  v_host := coalesce(c.ip_address, c.dns_name);
  INSERT INTO session_instance AS i (session_id, instance_id, host_type, process_id, host_process_pid, host_server_id,
                                     join_status, public_conn_str, private_conn_str, startup_params, custom_data,
                                     health)
  VALUES (p_session, v_id, v_type, p_process, p.pid, p.compute_name, 'pending',
          v_host || ':' || p.port, coalesce(c.ip_address, v_host) || ':' || p.port, p_instance->'startup_params',
          coalesce(p_instance->'custom_data', '{}'), CASE WHEN p.healthy THEN 'healthy' ELSE 'unhealthy' END)
  ON CONFLICT (session_id) DO UPDATE
    SET instance_id = excluded.instance_id, host_type = excluded.host_type, host_player_id = NULL,
        host_client_id = NULL, process_id = excluded.process_id, host_process_pid = excluded.host_process_pid,
        host_server_id = excluded.host_server_id, join_status = 'pending', public_conn_str = excluded.public_conn_str,
        private_conn_str = excluded.private_conn_str, join_custom_data = '{}',
        startup_params = excluded.startup_params, version = NULL, custom_data = excluded.custom_data, match_id = NULL,
        reported_health = NULL, last_check_at = NULL, health_checks = '{}', health = excluded.health,
        created_at = now(), updated_at = now();
  -- An event for the players seated (a RallyHere session's creator or leader); a GameLift placement has none to
  -- tell, and its 50-at-once placements need not queue on the event lock.
  IF EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND joinery_seat_occupies(status)) THEN
    PERFORM joinery_emit(p_session, 'instance_registered', NULL,
                         jsonb_build_object('instance_id', v_id, 'host_type', v_type, 'join_status', 'pending'));
  END IF;
  PERFORM joinery_sdk_push(p_process, 'CreateGameSession', jsonb_build_object('s', p_session));
END
$fn$;

-- Public CreateGameSession on a fleet with processes: in one transaction, an idle process is
-- locked, the session is created ACTIVATING on it (joinery_create_game_session: one team of
-- max_players seats) and the process is pushed CreateGameSession. With an idempotency token already
-- used on the fleet, the session it created is returned. `p_session` has joinery_create_game_session's
-- members. Outcomes: placed | existing | no_capacity.
CREATE OR REPLACE FUNCTION joinery_place_game_session(p_session jsonb, p_window_seconds integer)
RETURNS TABLE (outcome text, session_id uuid, process_id uuid)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_existing uuid;
  v_process uuid;
  v_created record;
BEGIN
  IF p_session->>'idempotency_token' IS NOT NULL THEN
    SELECT id INTO v_existing FROM game_session
     WHERE fleet_id = p_session->>'fleet_id' AND idempotency_token = p_session->>'idempotency_token';
    IF FOUND THEN
      RETURN QUERY SELECT 'existing', v_existing, NULL::uuid;
      RETURN;
    END IF;
  END IF;
  v_process := joinery_lock_idle_process(p_session->>'fleet_id', p_session->>'location', p_window_seconds);
  IF v_process IS NULL THEN
    RETURN QUERY SELECT 'no_capacity', NULL::uuid, NULL::uuid;
    RETURN;
  END IF;
  SELECT * INTO v_created FROM joinery_create_game_session(p_session || '{"status": "ACTIVATING"}'::jsonb);
  IF NOT v_created.created THEN
    RETURN QUERY SELECT 'existing', v_created.session_id, NULL::uuid;
    RETURN;
  END IF;
  PERFORM joinery_bind_process(v_process, v_created.session_id);
  RETURN QUERY SELECT 'placed', v_created.session_id, v_process;
END
$fn$;

-- A session that already exists (a RallyHere session whose template asks for a game server)
-- placed on an idle process of its fleet, any location. The session keeps its status; its
-- instance is allocated until the server activates it; p_data (the template's startup parameters)
-- becomes its GameSessionData when it has none. Outcomes: placed | already_placed |
-- no_capacity | not_found | invalid_status.
CREATE OR REPLACE FUNCTION joinery_place_session(p_session uuid, p_window_seconds integer, p_data text)
RETURNS TABLE (outcome text, process_id uuid)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_process uuid;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found', NULL::uuid;
    RETURN;
  END IF;
  IF g.process_id IS NOT NULL THEN
    RETURN QUERY SELECT 'already_placed', g.process_id;
    RETURN;
  END IF;
  IF g.status NOT IN ('ACTIVE', 'ACTIVATING') THEN
    RETURN QUERY SELECT 'invalid_status', NULL::uuid;
    RETURN;
  END IF;
  v_process := joinery_lock_idle_process(g.fleet_id, NULL, p_window_seconds);
  IF v_process IS NULL THEN
    RETURN QUERY SELECT 'no_capacity', NULL::uuid;
    RETURN;
  END IF;
  UPDATE game_session SET game_session_data = coalesce(game_session_data, p_data) WHERE id = p_session;
  PERFORM joinery_bind_process(v_process, p_session);
  RETURN QUERY SELECT 'placed', v_process;
END
$fn$;

-- The SDK's ActivateGameSession: the process's own session becomes ACTIVE (from ACTIVATING) and
-- its instance joinable (events session_activated and instance_ready).
-- Outcomes: activated | already_active | not_this_process | invalid_status.
CREATE OR REPLACE FUNCTION joinery_process_activate_session(p_process uuid, p_session uuid)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_status text;
BEGIN
  PERFORM 1 FROM server_process WHERE id = p_process AND game_session_id = p_session AND status = 'ACTIVE';
  IF NOT FOUND THEN
    RETURN 'not_this_process';
  END IF;
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF g.status NOT IN ('ACTIVATING', 'ACTIVE') THEN
    RETURN 'invalid_status';
  END IF;
  SELECT join_status INTO v_status FROM session_instance WHERE session_id = p_session AND process_id = p_process
     FOR UPDATE;
  IF v_status = 'joinable' AND g.status = 'ACTIVE' THEN
    RETURN 'already_active';
  END IF;
  IF g.status = 'ACTIVATING' THEN
    UPDATE game_session SET status = 'ACTIVE', version = version + 1, updated_at = now() WHERE id = p_session;
    PERFORM joinery_emit(p_session, 'session_activated', NULL, '{}');
  END IF;
  UPDATE session_instance SET join_status = 'joinable', updated_at = now()
   WHERE session_id = p_session AND process_id = p_process AND join_status IS DISTINCT FROM 'joinable';
  IF FOUND THEN
    PERFORM joinery_emit(p_session, 'instance_ready', NULL,
                         jsonb_build_object('instance_id', p_process::text, 'join_status', 'joinable'));
  END IF;
  RETURN 'activated';
END
$fn$;

-- A process ends (ProcessEnding, lost, unhealthy, deregistered): it is TERMINATED, and the game
-- session it hosts ends with its seats released. p_push_terminate also pushes TerminateProcess
-- (the process is still there and should exit). Outcomes: ended | already_ended | not_found.
CREATE OR REPLACE FUNCTION joinery_process_end(p_process uuid, p_reason text, p_push_terminate boolean)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  p server_process%ROWTYPE;
BEGIN
  SELECT * INTO p FROM server_process WHERE id = p_process FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF p.status = 'TERMINATED' THEN
    RETURN 'already_ended';
  END IF;
  UPDATE server_process SET status = 'TERMINATED', healthy = false, termination_reason = p_reason,
                            ended_at = now(), updated_at = now(), game_session_id = NULL
   WHERE id = p_process;
  IF p.game_session_id IS NOT NULL THEN
    -- Ending the session closes its instance (joinery_end_session_locked).
    PERFORM joinery_terminate_session(p.game_session_id, p_reason);
  END IF;
  IF p_push_terminate THEN
    PERFORM joinery_sdk_push(p_process, 'TerminateProcess',
                             jsonb_build_object('t', (extract(epoch FROM now()) * 1000)::bigint));
  END IF;
  RETURN 'ended';
END
$fn$;

-- (A trigger function: named trg_*, not joinery_*, so that applying the function files, which drops every
-- joinery_* function first, leaves it and its trigger in place; CREATE OR REPLACE updates it.)
-- A game session hosted by a live process ended another way (TerminateGameSession, the last
-- RallyHere player left, an operator closed it): the process is asked to end (TerminateProcess).
CREATE OR REPLACE FUNCTION trg_game_session_ended()
RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM server_process WHERE id = NEW.process_id AND status = 'ACTIVE'
                                              AND game_session_id = NEW.id) THEN
    PERFORM joinery_sdk_push(NEW.process_id, 'TerminateProcess',
                             jsonb_build_object('t', (extract(epoch FROM now()) * 1000)::bigint));
  END IF;
  RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS tr_game_session_ended ON game_session;
CREATE TRIGGER tr_game_session_ended AFTER UPDATE OF status ON game_session
  FOR EACH ROW WHEN (NEW.status = 'TERMINATED' AND OLD.status <> 'TERMINATED' AND NEW.process_id IS NOT NULL)
  EXECUTE FUNCTION trg_game_session_ended();

-- The process sweeper (one instance at a time; rows others hold are left for the next tick):
--  * a process not heard from, or not healthy, for p_unhealthy_seconds ends (UNHEALTHY), and is
--    pushed TerminateProcess;
--  * a process whose socket has been gone for p_grace_seconds ends (LOST);
--  * a session not activated within p_activation_seconds ends (ACTIVATION_TIMEOUT), and so does its
--    process, which gets no new session.
-- Returns how many processes ended.
CREATE OR REPLACE FUNCTION joinery_sweep_processes(
  p_unhealthy_seconds integer, p_grace_seconds integer, p_activation_seconds integer, p_batch integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  r record;
  v_count integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('joinery:process-sweeper', 0)) THEN
    RETURN 0;
  END IF;
  FOR r IN
    SELECT p.id,
           CASE WHEN NOT p.connected AND p.disconnected_at <= now() - make_interval(secs => p_grace_seconds) THEN 'LOST'
                WHEN g.status = 'ACTIVATING' AND g.created_at <= now() - make_interval(secs => p_activation_seconds)
                  THEN 'ACTIVATION_TIMEOUT'
                ELSE 'UNHEALTHY' END AS reason,
           p.connected
      FROM server_process p LEFT JOIN game_session g ON g.id = p.game_session_id
     WHERE p.status <> 'TERMINATED'
       AND ((NOT p.connected AND p.disconnected_at <= now() - make_interval(secs => p_grace_seconds))
         OR coalesce(p.healthy_at, p.created_at) <= now() - make_interval(secs => p_unhealthy_seconds)
         OR coalesce(p.last_heartbeat_at, p.created_at) <= now() - make_interval(secs => p_unhealthy_seconds)
         OR (g.status = 'ACTIVATING' AND g.created_at <= now() - make_interval(secs => p_activation_seconds)))
     ORDER BY p.updated_at
     LIMIT p_batch
       FOR UPDATE OF p SKIP LOCKED
  LOOP
    IF joinery_process_end(r.id, r.reason, r.connected) = 'ended' THEN
      v_count := v_count + 1;
    END IF;
  END LOOP;
  RETURN v_count;
END
$fn$;

-- DeregisterCompute: the compute's live processes end (pushed TerminateProcess), then the compute,
-- its tokens and its process rows go. Outcomes: deregistered | not_found.
CREATE OR REPLACE FUNCTION joinery_deregister_compute(p_fleet text, p_compute text)
RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  v uuid;
BEGIN
  PERFORM 1 FROM compute WHERE fleet_id = p_fleet AND name = p_compute FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  FOR v IN SELECT id FROM server_process WHERE fleet_id = p_fleet AND compute_name = p_compute
                                           AND status <> 'TERMINATED' LOOP
    PERFORM joinery_process_end(v, 'COMPUTE_DEREGISTERED', true);
  END LOOP;
  DELETE FROM compute WHERE fleet_id = p_fleet AND name = p_compute;
  RETURN 'deregistered';
END
$fn$;
