import { createPrivateKey } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBooleanString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { dirname, join } from 'node:path';
import { DEFAULT_FAMILIES, type Platform, type PlatformFamilies, PLATFORMS } from '../crossplay/crossplay.js';

const PLATFORM_LIST = new RegExp(`^\\s*(${PLATFORMS.join('|')})?(\\s*,\\s*(${PLATFORMS.join('|')}))*\\s*$`);

/** AWS-style access key ids and secrets (see src/player-session/access-keys). */
export const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
export const ACCESS_KEY_SECRET = /^[A-Za-z0-9+/]{40}$/;

/** Express `trust proxy` values: a boolean, a hop count, or names / addresses / CIDR ranges, comma-separated. */
const TRUST_PROXY =
  /^(true|false|\d{1,2}|\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?))*\s*)$/;

/** Variables whose values are never printed, not even when they are refused. */
export const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'DATABASE_DIRECT_URL',
  'JWT_PRIVATE_KEY',
  'BOOTSTRAP_ADMIN_CLIENT_SECRET',
  'BOOTSTRAP_GAME_CLIENT_SECRET',
  'SECRETS_ENCRYPTION_KEY',
  'BOOTSTRAP_ACCESS_KEY_SECRET',
]);

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * The process environment as the service reads it. Every variable is listed
 * in `.env.example`; each constraint here is checked before anything starts.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  @IsOptional()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must look like 100kb or 1mb' })
  BODY_LIMIT?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /** Where LISTEN connects: PostgreSQL itself when DATABASE_URL goes through a transaction-mode pooler. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_DIRECT_URL?: string;

  @IsOptional()
  @IsBooleanString()
  DATABASE_PREPARED_STATEMENTS?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(500)
  DATABASE_READ_POOL_SIZE?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DIR?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsOptional()
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, { message: 'must be a PEM-encoded RSA private key' })
  JWT_PRIVATE_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  JWT_ISSUER?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  REFRESH_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'must be 3-64 characters of A-Z a-z 0-9 . _ -' })
  BOOTSTRAP_ADMIN_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  BOOTSTRAP_ADMIN_CLIENT_SECRET?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'must be 3-64 characters of A-Z a-z 0-9 . _ -' })
  BOOTSTRAP_GAME_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  BOOTSTRAP_GAME_CLIENT_SECRET?: string;

  @IsOptional()
  @IsBooleanString()
  SWAGGER_ENABLED?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WEB_CONCURRENCY?: number;

  @IsOptional()
  @IsIn(['all', 'errors', 'none'])
  LOG_REQUESTS?: string;

  @IsOptional()
  @IsBooleanString()
  METRICS_ENABLED?: string;

  @IsOptional()
  @IsBooleanString()
  RATE_LIMIT_ENABLED?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_LIMIT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_ANONYMOUS_LIMIT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  TOKEN_CACHE_SIZE?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  SESSION_TEMPLATES_FILE?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  INVITATION_TTL_SECONDS?: number;

  /** RallyHere instance health (GET /session/v1/instance/health/config, docs/sessions.md): a check every this many seconds. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  INSTANCE_HEALTH_CADENCE_SECONDS?: number;

  /** An instance missing at least this percentage of the checks of the last window is unhealthy. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  INSTANCE_HEALTH_UNHEALTHY_PERCENTAGE?: number;

  /** An instance missing this many checks in a row is unknown (gone); the window is this many cadences. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000)
  INSTANCE_HEALTH_MISSED_CHECKS_BEFORE_UNKNOWN?: number;

  /**
   * Group commit: the most create-or-joins of one type and region (or CreatePlayerSession(s) requests on one game
   * session) that one SQL call decides together; 1 sends each on its own (default 50, at most 64).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  JOIN_BATCH_MAX?: number;

  @IsOptional()
  @Matches(PLATFORM_LIST, { message: `must be a comma-separated list of: ${PLATFORMS.join(', ')}` })
  CROSSPLAY_XBOXLIKE_PLATFORMS?: string;

  /** Development only: take an anonymous player's stated platform for crossplay (default false). */
  @IsOptional()
  @IsBooleanString()
  CROSSPLAY_TRUST_CLIENT_PLATFORM?: string;

  @IsOptional()
  @Matches(PLATFORM_LIST, { message: `must be a comma-separated list of: ${PLATFORMS.join(', ')}` })
  CROSSPLAY_PLAYSTATIONLIKE_PLATFORMS?: string;

  @IsOptional()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region name such as us-east-1' })
  GAMELIFT_REGION?: string;

  @IsOptional()
  @Matches(/^fleet-[A-Za-z0-9-]{1,120}$/, { message: 'must look like fleet-<id>' })
  GAMELIFT_FLEET_ID?: string;

  @IsOptional()
  @Matches(/^\d{12}$/, { message: 'must be 12 digits' })
  GAMELIFT_ACCOUNT_ID?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RESERVATION_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  RESERVATION_SWEEP_INTERVAL_MS?: number;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (e.g. `openssl rand -base64 32`)' })
  @MaxLength(1024)
  SECRETS_ENCRYPTION_KEY?: string;

  @IsOptional()
  @Matches(ACCESS_KEY_ID, { message: 'must be AKIA followed by 16 characters of A-Z 0-9' })
  BOOTSTRAP_ACCESS_KEY_ID?: string;

  @IsOptional()
  @Matches(ACCESS_KEY_SECRET, { message: 'must be 40 characters of A-Z a-z 0-9 + /' })
  BOOTSTRAP_ACCESS_KEY_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300_000)
  ACCESS_KEY_CACHE_TTL_MS?: number;

  @IsOptional()
  @Matches(TRUST_PROXY, {
    message:
      'must be false, true, a hop count, or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges',
  })
  TRUST_PROXY?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURE_LIMIT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  AUTH_FAILURE_WINDOW_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ANON_IDENTITY_LIMIT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(604_800_000)
  ANON_IDENTITY_WINDOW_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  ANON_PLAYER_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  PURGE_INTERVAL_MS?: number;

  @IsOptional()
  @IsBooleanString()
  GAMELIFT_SDK_ENABLED?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  GAMELIFT_SDK_WSS_PORT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  GAMELIFT_SDK_WS_PORT?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  GAMELIFT_SDK_HOST?: string;

  @IsOptional()
  @Matches(/^wss?:\/\/[^\s?#]+$/, { message: 'must be a ws:// or wss:// URL without query' })
  GAMELIFT_SDK_PUBLIC_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  GAMELIFT_SDK_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  GAMELIFT_SDK_TLS_KEY_FILE?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(86_400)
  GAMELIFT_COMPUTE_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  GAMELIFT_PROCESS_UNHEALTHY_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  GAMELIFT_PROCESS_GRACE_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  GAMELIFT_ACTIVATION_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  GAMELIFT_PROCESS_SWEEP_INTERVAL_MS?: number;
}

export type NodeEnv = 'development' | 'production' | 'test';

export interface BootstrapClient {
  clientId: string;
  secret: string;
}

export interface BootstrapAccessKey {
  accessKeyId: string;
  secret: string;
}

/** Typed, validated configuration. Built once at start-up by {@link loadConfig}. */
export class AppConfig {
  readonly env: NodeEnv;
  readonly http: {
    host: string;
    port: number;
    bodyLimit: string;
    swagger: boolean;
    /** Express `trust proxy`: which peers' `X-Forwarded-For` is believed (`TRUST_PROXY`); false: none. */
    trustProxy: boolean | number | string;
    shutdownTimeoutMs: number;
    /** Worker processes of `npm run start:cluster` (`WEB_CONCURRENCY`); unset: one per core. */
    workers?: number;
  };
  /** `requests`: which requests get an access-log line (errors: status >= 400 only). */
  readonly log: { level: string; requests: 'all' | 'errors' | 'none' };
  readonly metrics: { enabled: boolean };
  /**
   * Per-instance request budget: `limit` requests per `windowMs` for each
   * authenticated principal, `anonymousLimit` for each IP on public routes.
   */
  readonly rateLimit: { enabled: boolean; windowMs: number; limit: number; anonymousLimit: number };
  /**
   * Abuse limits, per IP and per instance, on while `rateLimit.enabled`: failed authentications
   * (`failureLimit` per `failureWindowMs`, checked before any database work) and new anonymous
   * players (`anonIdentityLimit` per `anonIdentityWindowMs`; 0: no quota).
   */
  readonly abuse: {
    failureLimit: number;
    failureWindowMs: number;
    anonIdentityLimit: number;
    anonIdentityWindowMs: number;
  };
  /** Purge of expired refresh tokens and idle anonymous players (retention 0: players are kept). */
  readonly retention: { anonPlayerDays: number; purgeIntervalMs: number };
  /**
   * `readPoolSize`: connections of the separate pool that session reads use (0: reads share the main pool).
   * `directUrl`: where the LISTEN connection goes (unset: `url`). `preparedStatements`:
   * whether the hot ledger calls are named prepared statements. `statementTimeoutMs`: sent as each pooled
   * connection's `statement_timeout` (0: not sent, the server's or the role's setting applies).
   */
  readonly database: {
    url?: string;
    directUrl?: string;
    preparedStatements: boolean;
    statementTimeoutMs: number;
    poolSize: number;
    readPoolSize: number;
    embeddedDir: string;
    embeddedPort: number;
  };
  readonly auth: {
    privateKeyPem?: string;
    issuer: string;
    /** Verified access tokens remembered (until they expire) to spare an RSA check per request; 0 disables. */
    tokenCacheSize: number;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  readonly bootstrap: { admin?: BootstrapClient; gameClient?: BootstrapClient; accessKey?: BootstrapAccessKey };
  readonly secrets: {
    /** Encrypts secrets the service must read back (SigV4 access keys). */
    encryptionKey: string;
    /** How long a decrypted access key is remembered on an instance. */
    accessKeyCacheTtlMs: number;
  };
  readonly sessions: {
    templatesFile: string;
    invitationTtlSeconds: number;
    /** Group commit: most joins (or reservation requests) one SQL call decides; 1 sends each alone. */
    joinBatchMax: number;
  };
  /**
   * RallyHere instance health checks: expected every `cadenceSeconds`; unhealthy when at least
   * `unhealthyPercentage`% of those of the last `missedChecksBeforeUnknown` cadences are missing, unknown when that
   * many are missing in a row.
   */
  readonly instanceHealth: { cadenceSeconds: number; unhealthyPercentage: number; missedChecksBeforeUnknown: number };
  readonly crossplay: { families: PlatformFamilies; trustClientPlatform: boolean };
  readonly gamelift: {
    region: string;
    fleetId: string;
    accountId: string;
    reservationTimeoutSeconds: number;
    sweepIntervalMs: number;
  };

  /**
   * Game servers on the GameLift Server SDK 5 (docs/game-servers.md): the SDK's WebSocket
   * endpoint (`wssPort`: TLS, always on when enabled; `wsPort`: plain, only when set; 0 picks a
   * free port), the URL RegisterCompute hands out, the TLS pair (`tls.generated`: a development
   * pair made once in `tls.dir`), compute auth-token lifetime, and the process timers.
   */
  readonly gameServers: {
    enabled: boolean;
    host: string;
    wssPort: number;
    wsPort?: number;
    publicUrl?: string;
    tls: { certFile?: string; keyFile?: string; dir: string };
    tokenTtlSeconds: number;
    unhealthySeconds: number;
    graceSeconds: number;
    activationTimeoutSeconds: number;
    sweepIntervalMs: number;
  };

  constructor(init: AppConfigInit) {
    Object.assign(this, init);
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}

/** Development-only conveniences; never applied when NODE_ENV=production. */
export const DEV_BOOTSTRAP = {
  admin: { clientId: 'joinery-admin', secret: 'dev-admin-secret-change-me' },
  gameClient: { clientId: 'joinery-game', secret: 'dev-game-secret-change-me' },
  /** A SigV4 access key with role `game-server`, for the SDK example in docs/gamelift.md. */
  accessKey: { accessKeyId: 'AKIAJOINERYDEVKEY001', secret: 'joineryDevSecretAccessKeyChangeMe0000000' },
  secretsEncryptionKey: 'dev-only-secrets-encryption-key-never-use-in-production',
} as const;

function platformList(value: string | undefined, fallback: readonly Platform[]): readonly Platform[] {
  if (value === undefined) return fallback;
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean) as Platform[];
}

export type AppConfigInit = Omit<AppConfig, 'isProduction'>;

export class ConfigError extends Error {}

function pair(
  name: string,
  clientId: string | undefined,
  secret: string | undefined,
  fallback: BootstrapClient | undefined,
): BootstrapClient | undefined {
  if (clientId && secret) return { clientId, secret };
  if (clientId || secret) {
    throw new ConfigError(
      `Invalid configuration:\n  - ${name}_CLIENT_ID and ${name}_CLIENT_SECRET must be set together`,
    );
  }
  return fallback;
}

function accessKeyPair(
  accessKeyId: string | undefined,
  secret: string | undefined,
  fallback: BootstrapAccessKey | undefined,
): BootstrapAccessKey | undefined {
  if (accessKeyId && secret) return { accessKeyId, secret };
  if (accessKeyId || secret) {
    throw new ConfigError(
      'Invalid configuration:\n  - BOOTSTRAP_ACCESS_KEY_ID and BOOTSTRAP_ACCESS_KEY_SECRET must be set together',
    );
  }
  return fallback;
}

/**
 * Validates the environment and builds the typed configuration.
 * Throws a {@link ConfigError} naming every wrong variable.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw = plainToInstance(
    EnvironmentVariables,
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  const errors = validateSync(raw, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    // A refused secret is named, never shown (it may be a whole private key or a password in a URL).
    const lines = errors.map(
      (e) =>
        `  - ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}` +
        (SECRET_VARIABLES.has(e.property) ? ' (value not shown)' : ` (got ${JSON.stringify(e.value)})`),
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const nodeEnv = (raw.NODE_ENV ?? 'development') as NodeEnv;
  const production = nodeEnv === 'production';
  const missing: string[] = [];
  if (production && !raw.DATABASE_URL) {
    missing.push('  - DATABASE_URL: required when NODE_ENV=production (the embedded PostgreSQL is for development)');
  }
  if (raw.DATABASE_DIRECT_URL && !raw.DATABASE_URL) {
    missing.push('  - DATABASE_DIRECT_URL: set it only with DATABASE_URL (the embedded PostgreSQL has one address)');
  }
  if (production && !raw.SECRETS_ENCRYPTION_KEY) {
    missing.push('  - SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production (at least 32 random characters)');
  }
  const privateKeyPem = raw.JWT_PRIVATE_KEY?.replace(/\\n/g, '\n');
  if (privateKeyPem) {
    const problem = signingKeyProblem(privateKeyPem);
    if (problem) missing.push(`  - JWT_PRIVATE_KEY: ${problem} (value not shown)`);
  }
  if (production) missing.push(...productionSecretProblems(raw));
  if (!raw.GAMELIFT_SDK_TLS_CERT_FILE !== !raw.GAMELIFT_SDK_TLS_KEY_FILE) {
    missing.push('  - GAMELIFT_SDK_TLS_CERT_FILE and GAMELIFT_SDK_TLS_KEY_FILE must be set together');
  }
  // The SDK endpoint: on in development, off under test; in production on when its TLS pair is configured.
  const sdkEnabled =
    raw.GAMELIFT_SDK_ENABLED === undefined
      ? nodeEnv === 'development' || (production && raw.GAMELIFT_SDK_TLS_CERT_FILE !== undefined)
      : raw.GAMELIFT_SDK_ENABLED === 'true';
  if (production && sdkEnabled && !raw.GAMELIFT_SDK_TLS_CERT_FILE) {
    missing.push(
      '  - GAMELIFT_SDK_TLS_CERT_FILE, GAMELIFT_SDK_TLS_KEY_FILE: required when NODE_ENV=production and GAMELIFT_SDK_ENABLED=true',
    );
  }
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);
  return new AppConfig({
    env: nodeEnv,
    http: {
      host: raw.HOST ?? '127.0.0.1',
      port: raw.PORT ?? 3000,
      bodyLimit: raw.BODY_LIMIT ?? '100kb',
      swagger: raw.SWAGGER_ENABLED === undefined ? !production : raw.SWAGGER_ENABLED === 'true',
      trustProxy: trustProxy(raw.TRUST_PROXY),
      shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS ?? 10_000,
      workers: raw.WEB_CONCURRENCY,
    },
    log: {
      level: raw.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
      requests: (raw.LOG_REQUESTS ?? 'all') as 'all' | 'errors' | 'none',
    },
    metrics: { enabled: raw.METRICS_ENABLED === undefined ? !production : raw.METRICS_ENABLED === 'true' },
    rateLimit: {
      enabled: raw.RATE_LIMIT_ENABLED === undefined ? true : raw.RATE_LIMIT_ENABLED === 'true',
      windowMs: raw.RATE_LIMIT_WINDOW_MS ?? 10_000,
      limit: raw.RATE_LIMIT_LIMIT ?? 100,
      anonymousLimit: raw.RATE_LIMIT_ANONYMOUS_LIMIT ?? 300,
    },
    abuse: {
      failureLimit: raw.AUTH_FAILURE_LIMIT ?? 10,
      failureWindowMs: raw.AUTH_FAILURE_WINDOW_MS ?? 60_000,
      anonIdentityLimit: raw.ANON_IDENTITY_LIMIT ?? 20,
      anonIdentityWindowMs: raw.ANON_IDENTITY_WINDOW_MS ?? 3_600_000,
    },
    retention: {
      anonPlayerDays: raw.ANON_PLAYER_RETENTION_DAYS ?? 180,
      purgeIntervalMs: raw.PURGE_INTERVAL_MS ?? 3_600_000,
    },
    database: {
      url: raw.DATABASE_URL,
      directUrl: raw.DATABASE_DIRECT_URL,
      preparedStatements: raw.DATABASE_PREPARED_STATEMENTS !== 'false',
      statementTimeoutMs: raw.DATABASE_STATEMENT_TIMEOUT_MS ?? 15_000,
      poolSize: raw.DATABASE_POOL_SIZE ?? 20,
      readPoolSize: raw.DATABASE_READ_POOL_SIZE ?? 4,
      embeddedDir: raw.EMBEDDED_PG_DIR ?? '.data/postgres',
      embeddedPort: raw.EMBEDDED_PG_PORT ?? 0,
    },
    auth: {
      privateKeyPem,
      issuer: raw.JWT_ISSUER ?? 'joinery',
      tokenCacheSize: raw.TOKEN_CACHE_SIZE ?? 10_000,
      accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS ?? 3600,
      refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS ?? 2_592_000,
    },
    bootstrap: {
      admin: pair(
        'BOOTSTRAP_ADMIN',
        raw.BOOTSTRAP_ADMIN_CLIENT_ID,
        raw.BOOTSTRAP_ADMIN_CLIENT_SECRET,
        production ? undefined : DEV_BOOTSTRAP.admin,
      ),
      gameClient: pair(
        'BOOTSTRAP_GAME',
        raw.BOOTSTRAP_GAME_CLIENT_ID,
        raw.BOOTSTRAP_GAME_CLIENT_SECRET,
        production ? undefined : DEV_BOOTSTRAP.gameClient,
      ),
      accessKey: accessKeyPair(
        raw.BOOTSTRAP_ACCESS_KEY_ID,
        raw.BOOTSTRAP_ACCESS_KEY_SECRET,
        production ? undefined : DEV_BOOTSTRAP.accessKey,
      ),
    },
    secrets: {
      encryptionKey: raw.SECRETS_ENCRYPTION_KEY ?? DEV_BOOTSTRAP.secretsEncryptionKey,
      accessKeyCacheTtlMs: raw.ACCESS_KEY_CACHE_TTL_MS ?? 5000,
    },
    sessions: {
      templatesFile: raw.SESSION_TEMPLATES_FILE ?? 'config/session-templates.json',
      invitationTtlSeconds: raw.INVITATION_TTL_SECONDS ?? 3600,
      joinBatchMax: raw.JOIN_BATCH_MAX ?? 50,
    },
    instanceHealth: {
      cadenceSeconds: raw.INSTANCE_HEALTH_CADENCE_SECONDS ?? 10,
      unhealthyPercentage: raw.INSTANCE_HEALTH_UNHEALTHY_PERCENTAGE ?? 50,
      missedChecksBeforeUnknown: raw.INSTANCE_HEALTH_MISSED_CHECKS_BEFORE_UNKNOWN ?? 6,
    },
    crossplay: {
      families: {
        xboxlike: platformList(raw.CROSSPLAY_XBOXLIKE_PLATFORMS, DEFAULT_FAMILIES.xboxlike),
        playstationlike: platformList(raw.CROSSPLAY_PLAYSTATIONLIKE_PLATFORMS, DEFAULT_FAMILIES.playstationlike),
      },
      trustClientPlatform: raw.CROSSPLAY_TRUST_CLIENT_PLATFORM === 'true',
    },
    gamelift: {
      region: raw.GAMELIFT_REGION ?? 'us-east-1',
      fleetId: raw.GAMELIFT_FLEET_ID ?? 'fleet-joinery',
      accountId: raw.GAMELIFT_ACCOUNT_ID ?? '000000000000',
      reservationTimeoutSeconds: raw.RESERVATION_TIMEOUT_SECONDS ?? 60,
      sweepIntervalMs: raw.RESERVATION_SWEEP_INTERVAL_MS ?? 1000,
    },
    gameServers: {
      enabled: sdkEnabled,
      host: raw.GAMELIFT_SDK_HOST ?? raw.HOST ?? '127.0.0.1',
      wssPort: raw.GAMELIFT_SDK_WSS_PORT ?? 5443,
      wsPort: raw.GAMELIFT_SDK_WS_PORT,
      publicUrl: raw.GAMELIFT_SDK_PUBLIC_URL,
      tls: {
        certFile: raw.GAMELIFT_SDK_TLS_CERT_FILE,
        keyFile: raw.GAMELIFT_SDK_TLS_KEY_FILE,
        dir: join(dirname(raw.EMBEDDED_PG_DIR ?? '.data/postgres'), 'sdk-tls'),
      },
      tokenTtlSeconds: raw.GAMELIFT_COMPUTE_TOKEN_TTL_SECONDS ?? 900,
      unhealthySeconds: raw.GAMELIFT_PROCESS_UNHEALTHY_SECONDS ?? 180,
      graceSeconds: raw.GAMELIFT_PROCESS_GRACE_SECONDS ?? 60,
      activationTimeoutSeconds: raw.GAMELIFT_ACTIVATION_TIMEOUT_SECONDS ?? 120,
      sweepIntervalMs: raw.GAMELIFT_PROCESS_SWEEP_INTERVAL_MS ?? 5000,
    },
  });
}

function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((part) => part.trim())
    .join(',');
}

/** Smallest RSA modulus accepted for `JWT_PRIVATE_KEY` (NIST SP 800-57: 2048 bits through 2030). */
export const MIN_RSA_BITS = 2048;

/** Why a PEM cannot sign Joinery's RS256 tokens, or undefined when it can. Never quotes the key. */
export function signingKeyProblem(pem: string): string | undefined {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'is not a readable PEM private key';
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return `must be an RSA key for RS256, got a ${key.asymmetricKeyType ?? 'non-asymmetric'} key`;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) return `must be an RSA key of at least ${MIN_RSA_BITS} bits, got ${bits}`;
  return undefined;
}

/**
 * A rough upper bound of a secret's entropy: its length times the Shannon
 * entropy of its characters. `a` repeated 32 times scores 0; 32 random bytes
 * in base64 score about 200. Catches typed-in and repeated values, not every
 * guessable one.
 */
export function estimatedEntropyBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...secret].length;
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / length) * Math.log2(n / length);
  return perChar * length;
}

/** Bits {@link estimatedEntropyBits} must reach in production: the encryption key, and the other secrets. */
export const MIN_KEY_ENTROPY_BITS = 128;
export const MIN_SECRET_ENTROPY_BITS = 64;

/** Production refuses the documented development secrets and low-entropy ones; each problem names its variable. */
function productionSecretProblems(raw: EnvironmentVariables): string[] {
  const problems: string[] = [];
  const checks: [keyof EnvironmentVariables, string | undefined, string, number][] = [
    ['SECRETS_ENCRYPTION_KEY', raw.SECRETS_ENCRYPTION_KEY, DEV_BOOTSTRAP.secretsEncryptionKey, MIN_KEY_ENTROPY_BITS],
    [
      'BOOTSTRAP_ADMIN_CLIENT_SECRET',
      raw.BOOTSTRAP_ADMIN_CLIENT_SECRET,
      DEV_BOOTSTRAP.admin.secret,
      MIN_SECRET_ENTROPY_BITS,
    ],
    [
      'BOOTSTRAP_GAME_CLIENT_SECRET',
      raw.BOOTSTRAP_GAME_CLIENT_SECRET,
      DEV_BOOTSTRAP.gameClient.secret,
      MIN_SECRET_ENTROPY_BITS,
    ],
    [
      'BOOTSTRAP_ACCESS_KEY_SECRET',
      raw.BOOTSTRAP_ACCESS_KEY_SECRET,
      DEV_BOOTSTRAP.accessKey.secret,
      MIN_SECRET_ENTROPY_BITS,
    ],
  ];
  for (const [name, value, development, minBits] of checks) {
    if (value === undefined) continue;
    if (value === development) {
      problems.push(`  - ${name}: is the documented development value; set a secret of your own in production`);
    } else if (estimatedEntropyBits(value) < minBits) {
      problems.push(
        `  - ${name}: too predictable for production (repeated or few distinct characters); ` +
          'use a random value, e.g. `openssl rand -base64 32`',
      );
    }
  }
  return problems;
}
