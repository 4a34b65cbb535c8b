import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Conflict, DomainError, NotFound } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { Sql } from '../database/sql.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** No idle, healthy, connected process can take a new game session (GameLift's FleetCapacityExceededException). */
export class NoProcessAvailable extends DomainError {
  readonly kind = 'invalid';

  constructor(fleetId: string) {
    super(
      'FleetCapacityExceededException',
      `Fleet ${fleetId} has no idle server process to host a new game session: every process is busy, unhealthy or disconnected`,
    );
  }
}

export class ComputeNotFound extends NotFound {
  constructor(fleetId: string, name: string) {
    super('compute_not_found', `Compute ${name} not found in fleet ${fleetId}`);
  }
}

export interface ComputeRow {
  fleetId: string;
  name: string;
  ipAddress: string | null;
  dnsName: string | null;
  location: string;
  certificatePath: string | null;
  status: string;
  createdAt: Date;
}

export interface NewCompute {
  fleetId: string;
  name: string;
  ipAddress?: string;
  dnsName?: string;
  location: string;
  certificatePath?: string;
}

export interface ProcessConnection {
  outcome: 'connected' | 'reconnected' | 'terminated' | 'no_compute';
  processId: string;
  status: string;
  /** The game session the process hosts (a reconnect), and its instance's join status (`pending` until activated). */
  gameSessionId: string | null;
  joinStatus: string | null;
  /** The instance that held the process's socket before this one (a reconnect). */
  previousInstance: string | null;
}

/** What a CreateGameSession push carries, read from the session and its process. */
export interface PlacedSession {
  sessionId: string;
  fleetId: string;
  name: string | null;
  gameSessionData: string | null;
  matchmakerData: string | null;
  maxPlayers: number;
  ipAddress: string | null;
  dnsName: string | null;
  port: number | null;
  gameProperties: { Key: string; Value: string }[];
  status: string;
}

export interface NewPlacedGameSession {
  fleetId: string;
  location: string;
  type: string;
  maxPlayers: number;
  name?: string;
  creatorId?: string;
  gameProperties?: { Key: string; Value: string }[];
  gameSessionData?: string;
  idempotencyToken?: string;
}

/** A process of a compute, as the admin and the RallyHere instance view show it. */
export interface ProcessRow {
  id: string;
  fleetId: string;
  computeName: string;
  pid: string;
  status: string;
  healthy: boolean;
  port: number | null;
  connected: boolean;
  gameSessionId: string | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * THE CORE's game servers: computes and their auth tokens, server processes
 * (one per Server SDK connection's pID) and the placement of game sessions
 * on them. Every change is one SQL function of `sql/game-servers.sql`;
 * pushes to a process go out from those functions (`pg_notify`), so they
 * leave exactly when the change commits, whichever instance made it.
 */
@Injectable()
export class GameServers {
  constructor(
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  private get windowSeconds(): number {
    return this.config.gameServers.unhealthySeconds;
  }

  /** RegisterCompute: a new compute, or the same name registered again with a new address and location. */
  async registerCompute(compute: NewCompute): Promise<ComputeRow> {
    const [row] = await this.sql.query<ComputeRow>(
      `INSERT INTO compute (fleet_id, name, ip_address, dns_name, location, certificate_path)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (fleet_id, name) DO UPDATE SET ip_address = EXCLUDED.ip_address, dns_name = EXCLUDED.dns_name,
                                                  location = EXCLUDED.location, status = 'ACTIVE',
                                                  certificate_path = EXCLUDED.certificate_path
       RETURNING ${COMPUTE_COLUMNS}`,
      [
        compute.fleetId,
        compute.name,
        compute.ipAddress ?? null,
        compute.dnsName ?? null,
        compute.location,
        compute.certificatePath ?? null,
      ],
    );
    return row;
  }

  async compute(fleetId: string, name: string): Promise<ComputeRow> {
    const [row] = await this.sql.query<ComputeRow>(
      `SELECT ${COMPUTE_COLUMNS} FROM compute WHERE fleet_id = $1 AND name = $2`,
      [fleetId, name],
    );
    if (!row) throw new ComputeNotFound(fleetId, name);
    return row;
  }

  /** Computes of a fleet by name, after `after` (paging), optionally in one location. */
  async listComputes(fleetId: string, location: string | undefined, after: string | undefined, limit: number) {
    return this.sql.query<ComputeRow>(
      `SELECT ${COMPUTE_COLUMNS} FROM compute
        WHERE fleet_id = $1 AND ($2::text IS NULL OR location = $2) AND ($3::text IS NULL OR name > $3)
        ORDER BY name LIMIT $4`,
      [fleetId, location ?? null, after ?? null, limit],
    );
  }

  /** DeregisterCompute: its live processes end (and are told to), then the compute and its tokens go. */
  async deregisterCompute(fleetId: string, name: string): Promise<void> {
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_deregister_compute($1, $2) AS outcome`,
      [fleetId, name],
    );
    if (outcome === 'not_found') throw new ComputeNotFound(fleetId, name);
  }

  /**
   * GetComputeAuthToken: a new random token (`[0-9a-f]`, 48 characters) for
   * the compute's processes, stored as its SHA-256 digest; expired tokens of
   * the compute are removed.
   */
  async issueToken(fleetId: string, name: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('hex');
    const rows = await this.sql.query<{ expires_at: Date }>(
      `WITH gone AS (DELETE FROM compute_auth_token WHERE fleet_id = $2 AND compute_name = $3 AND expires_at < now())
       INSERT INTO compute_auth_token (token_digest, fleet_id, compute_name, expires_at)
       SELECT $1, fleet_id, name, now() + make_interval(secs => $4) FROM compute WHERE fleet_id = $2 AND name = $3
       RETURNING expires_at`,
      [digest(token), fleetId, name, this.config.gameServers.tokenTtlSeconds],
    );
    if (rows.length === 0) throw new ComputeNotFound(fleetId, name);
    return { token, expiresAt: rows[0].expires_at };
  }

  /**
   * May this token open a socket for (fleet, compute, pID)? One indexed
   * read: the token must be unexpired and the compute's, and the pID must
   * not belong to a process that has ended (pIDs are unique per execution).
   */
  async checkConnect(
    fleetId: string,
    computeName: string,
    token: string,
    pid: string,
  ): Promise<'ok' | 'bad_token' | 'pid_ended'> {
    const [row] = await this.sql.query<{ token_ok: boolean; expires_at: Date | null; ended: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM compute_auth_token WHERE token_digest = $1 AND fleet_id = $2
                       AND compute_name = $3 AND expires_at > now()) AS token_ok,
              EXISTS (SELECT 1 FROM server_process WHERE fleet_id = $2 AND compute_name = $3 AND pid = $4
                       AND status = 'TERMINATED') AS ended`,
      [digest(token), fleetId, computeName, pid],
      'joinery_check_connect',
    );
    if (!row.token_ok) return 'bad_token';
    return row.ended ? 'pid_ended' : 'ok';
  }

  /** When the token expires (for RefreshConnection), or undefined when it is unknown. */
  async tokenExpiry(token: string): Promise<Date | undefined> {
    const [row] = await this.sql.query<{ expires_at: Date }>(
      `SELECT expires_at FROM compute_auth_token WHERE token_digest = $1`,
      [digest(token)],
    );
    return row?.expires_at;
  }

  async connect(
    fleetId: string,
    computeName: string,
    pid: string,
    connectionId: string,
    instanceId: string,
    sdk: { language?: string; version?: string },
  ): Promise<ProcessConnection> {
    const [row] = await this.sql.query<{
      outcome: ProcessConnection['outcome'];
      process_id: string;
      process_status: string;
      game_session_id: string | null;
      join_status: string | null;
      previous_instance: string | null;
    }>(`SELECT * FROM joinery_process_connect($1, $2, $3, $4, $5, $6, $7)`, [
      fleetId,
      computeName,
      pid,
      connectionId,
      instanceId,
      sdk.language?.slice(0, 32) ?? null,
      sdk.version?.slice(0, 32) ?? null,
    ]);
    return {
      outcome: row.outcome,
      processId: row.process_id,
      status: row.process_status,
      gameSessionId: row.game_session_id,
      joinStatus: row.join_status,
      previousInstance: row.previous_instance,
    };
  }

  /** The socket went away without ProcessEnding; false when it was no longer the current one. */
  async disconnect(processId: string, connectionId: string): Promise<boolean> {
    const [row] = await this.sql.query<{ changed: boolean }>(`SELECT joinery_process_disconnect($1, $2) AS changed`, [
      processId,
      connectionId,
    ]);
    return row.changed;
  }

  async ready(
    processId: string,
    connectionId: string,
    port: number,
    logPaths: string[],
    sdk: { language?: string; version?: string },
  ): Promise<'ready' | 'not_current' | 'terminated' | 'not_found'> {
    const [{ outcome }] = await this.sql.query<{ outcome: 'ready' | 'not_current' | 'terminated' | 'not_found' }>(
      `SELECT joinery_process_ready($1, $2, $3, $4, $5, $6) AS outcome`,
      [
        processId,
        connectionId,
        port,
        JSON.stringify(logPaths),
        sdk.language?.slice(0, 32) ?? null,
        sdk.version?.slice(0, 32) ?? null,
      ],
    );
    if (outcome === 'ready') this.metrics.processEvent('ready');
    return outcome;
  }

  async heartbeat(processId: string, healthy: boolean): Promise<'ok' | 'terminated' | 'not_found'> {
    const [{ outcome }] = await this.sql.query<{ outcome: 'ok' | 'terminated' | 'not_found' }>(
      `SELECT joinery_process_heartbeat($1, $2) AS outcome`,
      [processId, healthy],
      'joinery_process_heartbeat',
    );
    return outcome;
  }

  /** Does the fleet have any live process? (Then CreateGameSession places sessions on processes.) */
  async fleetHasProcesses(fleetId: string): Promise<boolean> {
    const [row] = await this.sql.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM server_process WHERE fleet_id = $1 AND status <> 'TERMINATED') AS any`,
      [fleetId],
      'joinery_fleet_has_processes',
    );
    return row.any;
  }

  /**
   * CreateGameSession on a fleet with processes: the session is created
   * ACTIVATING on an idle process and the process is pushed CreateGameSession,
   * in one transaction. `FleetCapacityExceededException` when no process is idle.
   */
  async placeGameSession(input: NewPlacedGameSession): Promise<{ sessionId: string; created: boolean }> {
    const [row] = await this.sql.query<{ outcome: string; session_id: string | null }>(
      `SELECT * FROM joinery_place_game_session($1, $2)`,
      [
        JSON.stringify({
          type: input.type,
          fleet_id: input.fleetId,
          location: input.location,
          max_players: input.maxPlayers,
          name: input.name,
          creator_id: input.creatorId,
          game_properties: input.gameProperties ?? [],
          game_session_data: input.gameSessionData,
          idempotency_token: input.idempotencyToken,
        }),
        this.windowSeconds,
      ],
    );
    this.metrics.placement(row.outcome);
    if (row.outcome === 'no_capacity') throw new NoProcessAvailable(input.fleetId);
    return { sessionId: row.session_id!, created: row.outcome === 'placed' };
  }

  /**
   * An existing session (a RallyHere game-server template) placed on an idle
   * process; false when none is idle. `gameSessionData` (the template's
   * startup parameters) becomes the session's GameSessionData when it has none.
   */
  async placeSession(sessionId: string, gameSessionData?: string): Promise<boolean> {
    const [row] = await this.sql.query<{ outcome: string }>(`SELECT * FROM joinery_place_session($1, $2, $3)`, [
      sessionId,
      this.windowSeconds,
      gameSessionData ?? null,
    ]);
    this.metrics.placement(row.outcome === 'already_placed' ? 'existing' : row.outcome);
    return row.outcome === 'placed' || row.outcome === 'already_placed';
  }

  /** A placed session changed: its process is pushed UpdateGameSession (nothing for other sessions). */
  async sessionUpdated(sessionId: string): Promise<void> {
    await this.sql.query(`SELECT joinery_push_session_update($1)`, [sessionId]);
  }

  /** The SDK's ActivateGameSession for the process's own session. */
  async activateSession(
    processId: string,
    sessionId: string,
  ): Promise<'activated' | 'already_active' | 'not_this_process' | 'invalid_status'> {
    const [{ outcome }] = await this.sql.query<{
      outcome: 'activated' | 'already_active' | 'not_this_process' | 'invalid_status';
    }>(`SELECT joinery_process_activate_session($1, $2) AS outcome`, [processId, sessionId]);
    if (outcome === 'activated') {
      const [row] = await this.sql.query<{ seconds: number }>(
        `SELECT extract(epoch FROM now() - created_at)::float8 AS seconds FROM game_session WHERE id = $1`,
        [sessionId],
      );
      if (row) this.metrics.activation(row.seconds);
    }
    return outcome;
  }

  /** ProcessEnding, or the service ending a process; its session ends and its seats are released. */
  async end(processId: string, reason: string, pushTerminate = false): Promise<boolean> {
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_process_end($1, $2, $3) AS outcome`,
      [processId, reason, pushTerminate],
    );
    if (outcome === 'ended') this.metrics.processEvent(reason.toLowerCase());
    return outcome === 'ended';
  }

  /** The process sweeper's tick (see `joinery_sweep_processes`). Returns how many processes ended. */
  async sweep(batch = 200): Promise<number> {
    const { unhealthySeconds, graceSeconds, activationTimeoutSeconds } = this.config.gameServers;
    const [{ ended }] = await this.sql.query<{ ended: number }>(
      `SELECT joinery_sweep_processes($1, $2, $3, $4) AS ended`,
      [unhealthySeconds, graceSeconds, activationTimeoutSeconds, batch],
    );
    if (ended > 0) this.metrics.processEvent('swept', ended);
    return ended;
  }

  /** The game session a process hosts now, or null. */
  async currentSession(processId: string): Promise<string | null> {
    const [row] = await this.sql.query<{ game_session_id: string | null }>(
      `SELECT game_session_id FROM server_process WHERE id = $1`,
      [processId],
    );
    return row?.game_session_id ?? null;
  }

  /** What the CreateGameSession push for a session says, or undefined when the session is gone. */
  async placedSession(sessionId: string): Promise<PlacedSession | undefined> {
    const [row] = await this.sql.query<PlacedSession>(
      `SELECT id AS "sessionId", fleet_id AS "fleetId", name, game_session_data AS "gameSessionData",
              matchmaker_data AS "matchmakerData", max_players AS "maxPlayers", ip_address AS "ipAddress",
              dns_name AS "dnsName", port, game_properties AS "gameProperties", status
         FROM game_session WHERE id = $1`,
      [sessionId],
    );
    return row;
  }

  async processes(fleetId: string): Promise<ProcessRow[]> {
    return this.sql.query<ProcessRow>(
      `SELECT ${PROCESS_COLUMNS} FROM server_process WHERE fleet_id = $1 ORDER BY created_at`,
      [fleetId],
    );
  }

  async process(processId: string): Promise<ProcessRow | undefined> {
    const [row] = await this.sql.query<ProcessRow>(`SELECT ${PROCESS_COLUMNS} FROM server_process WHERE id = $1`, [
      processId,
    ]);
    return row;
  }

  /** Throws when the process is not the one hosting `sessionId` (the SDK may act on its own session only). */
  async assertHosts(processId: string, sessionId: string): Promise<void> {
    if ((await this.currentSession(processId)) !== sessionId) {
      throw new Conflict('not_this_process', `Game session ${sessionId} is not hosted by this process`);
    }
  }
}

const COMPUTE_COLUMNS = `fleet_id AS "fleetId", name, ip_address AS "ipAddress", dns_name AS "dnsName", location,
  certificate_path AS "certificatePath", status, created_at AS "createdAt"`;
const PROCESS_COLUMNS = `id, fleet_id AS "fleetId", compute_name AS "computeName", pid, status, healthy, port, connected,
  game_session_id AS "gameSessionId"`;
