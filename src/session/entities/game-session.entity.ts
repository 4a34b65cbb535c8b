import { Column, Entity, PrimaryColumn } from 'typeorm';

export type GameSessionStatus = 'ACTIVATING' | 'ACTIVE' | 'TERMINATING' | 'TERMINATED' | 'ERROR';
export type CreationPolicy = 'ACCEPT_ALL' | 'DENY_ALL';
export type ProtectionPolicy = 'NoProtection' | 'FullProtection';

/**
 * A session: a RallyHere session and a GameLift game session are the same
 * row seen through two protocols. Counts and crossplay aggregates are
 * maintained by the ledger's SQL functions only.
 */
@Entity('game_session')
export class GameSessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Session type: a template name, or the fleet id for sessions created through GameLift. */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  status: GameSessionStatus;

  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  /** RallyHere `joinability.open`: anyone may join without an invite. */
  @Column({ type: 'boolean' })
  public: boolean;

  @Column({ type: 'boolean' })
  joinableFriends: boolean;

  @Column({ type: 'boolean' })
  joinablePlatform: boolean;

  @Column({ type: 'text', nullable: true })
  regionId: string | null;

  @Column({ type: 'text' })
  fleetId: string;

  @Column({ type: 'text' })
  location: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  creatorId: string | null;

  @Column({ type: 'jsonb' })
  gameProperties: { Key: string; Value: string }[];

  @Column({ type: 'text', nullable: true })
  gameSessionData: string | null;

  @Column({ type: 'text', nullable: true })
  matchmakerData: string | null;

  @Column({ type: 'jsonb' })
  customData: Record<string, string>;

  @Column({ type: 'text' })
  creationPolicy: CreationPolicy;

  /** GameLift's protection policy: shown only; nothing here scales fleets down. */
  @Column({ type: 'text' })
  protectionPolicy: ProtectionPolicy;

  @Column({ type: 'integer' })
  maxPlayers: number;

  @Column({ type: 'integer' })
  playerCount: number;

  @Column({ type: 'integer' })
  cpFamiliesAll: number;

  @Column({ type: 'integer' })
  cpRequiredFamilies: number;

  @Column({ type: 'integer' })
  cpInputsAny: number;

  @Column({ type: 'integer' })
  cpInputsAllowed: number;

  @Column({ type: 'boolean' })
  keepAliveOnEmpty: boolean;

  @Column({ type: 'text', nullable: true, select: false })
  passwordDigest: string | null;

  @Column({ type: 'text', nullable: true })
  idempotencyToken: string | null;

  @Column({ type: 'text', nullable: true })
  ipAddress: string | null;

  @Column({ type: 'text', nullable: true })
  dnsName: string | null;

  @Column({ type: 'integer', nullable: true })
  port: number | null;

  /** The server process the session was placed on (GameLift Server SDK), if any. */
  @Column({ type: 'uuid', nullable: true })
  processId: string | null;

  @Column({ type: 'text' })
  createdVia: 'rallyhere' | 'gamelift' | 'admin';

  /** The template's player_culling_timeout at creation (seconds), or none. */
  @Column({ type: 'integer', nullable: true })
  playerCullingTimeout: number | null;

  /** Registered in the session browser. */
  @Column({ type: 'boolean' })
  browserListed: boolean;

  /** The browser listing's custom data. */
  @Column({ type: 'jsonb' })
  browserCustomData: Record<string, string>;

  @Column({ type: 'timestamptz', nullable: true })
  browserListedAt: Date | null;

  /** Bumped by every change: the session's ETag. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  terminatedAt: Date | null;
}
