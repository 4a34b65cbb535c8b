-- Game servers (GameLift Anywhere's model): computes a studio registers, the auth tokens their
-- processes connect with (stored as SHA-256 digests), and one row per server process
-- (one GameLift Server SDK 5 connection's pID). A game session placed on a process points at it.

CREATE TABLE compute (
  fleet_id    text NOT NULL,
  name        text NOT NULL CHECK (name ~ '^[a-zA-Z0-9-]+(/[a-zA-Z0-9-]+)?$' AND length(name) <= 128),
  ip_address  text CHECK (length(ip_address) <= 128),
  dns_name    text CHECK (length(dns_name) <= 256),
  location    text NOT NULL CHECK (length(location) BETWEEN 1 AND 128),
  certificate_path text CHECK (length(certificate_path) <= 1024),
  status      text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'TERMINATING')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (fleet_id, name),
  CONSTRAINT ck_compute_address CHECK (ip_address IS NOT NULL OR dns_name IS NOT NULL)
);

CREATE TABLE compute_auth_token (
  token_digest  text PRIMARY KEY CHECK (token_digest ~ '^[0-9a-f]{64}$'),
  fleet_id      text NOT NULL,
  compute_name  text NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (fleet_id, compute_name) REFERENCES compute (fleet_id, name) ON DELETE CASCADE
);
CREATE INDEX ix_compute_auth_token_compute ON compute_auth_token (fleet_id, compute_name, expires_at);

CREATE TABLE server_process (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fleet_id           text NOT NULL,
  compute_name       text NOT NULL,
  pid                text NOT NULL CHECK (length(pid) BETWEEN 1 AND 128),
  -- CONNECTED: socket open, ProcessReady not yet; ACTIVE: ready (idle, or hosting game_session_id);
  -- TERMINATED: ended (ProcessEnding, lost, unhealthy, or its compute deregistered).
  status             text NOT NULL DEFAULT 'CONNECTED' CHECK (status IN ('CONNECTED', 'ACTIVE', 'TERMINATED')),
  healthy            boolean NOT NULL DEFAULT false,
  port               integer CHECK (port BETWEEN 0 AND 65535),
  log_paths          jsonb NOT NULL DEFAULT '[]',
  sdk_language       text CHECK (length(sdk_language) <= 32),
  sdk_version        text CHECK (length(sdk_version) <= 32),
  -- The current socket: its id and the Joinery instance that holds it (newest socket wins).
  connection_id      uuid,
  instance_id        text,
  connected          boolean NOT NULL DEFAULT true,
  disconnected_at    timestamptz,
  last_heartbeat_at  timestamptz,
  healthy_at         timestamptz,
  game_session_id    uuid REFERENCES game_session (id) ON DELETE SET NULL,
  termination_reason text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  ended_at           timestamptz,
  CONSTRAINT uq_server_process_pid UNIQUE (fleet_id, compute_name, pid),
  FOREIGN KEY (fleet_id, compute_name) REFERENCES compute (fleet_id, name) ON DELETE CASCADE
);
-- Placement candidates: ready, healthy, connected and idle.
CREATE INDEX ix_server_process_idle ON server_process (fleet_id, last_heartbeat_at)
  WHERE status = 'ACTIVE' AND healthy AND connected AND game_session_id IS NULL;
CREATE INDEX ix_server_process_live ON server_process (fleet_id) WHERE status <> 'TERMINATED';

-- The process a game session was placed on, and its instance's state as RallyHere shows it:
-- allocated (pushed to the process), joinable (the server activated it), closed (the process is gone).
ALTER TABLE game_session
  ADD COLUMN process_id uuid REFERENCES server_process (id) ON DELETE SET NULL,
  ADD COLUMN instance_status text CHECK (instance_status IN ('allocated', 'joinable', 'closed'));

-- Game clients (role game-client) describe game and player sessions, not computes.
UPDATE role SET permissions = array_remove(permissions, 'gamelift:Describe*')
                              || ARRAY['gamelift:DescribeGameSession*', 'gamelift:DescribePlayerSessions']
 WHERE name = 'game-client' AND 'gamelift:Describe*' = ANY (permissions);
