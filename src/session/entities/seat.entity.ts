import { Column, Entity, PrimaryColumn } from 'typeorm';

/** GameLift's player-session statuses; RESERVED and ACTIVE occupy a seat. */
export type SeatStatus = 'RESERVED' | 'ACTIVE' | 'COMPLETED' | 'TIMEDOUT';
/** RallyHere's `SessionPlayerStatus`. */
export type SeatRole = 'leader' | 'member' | 'invited' | 'reserved';

/**
 * A seat: a RallyHere session player and a GameLift player session are the
 * same row. Written only by the ledger's SQL functions.
 */
@Entity('seat')
export class SeatEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @Column({ type: 'integer' })
  teamId: number;

  /** GameLift `PlayerId`; for RallyHere players, their player UUID. */
  @Column({ type: 'text' })
  playerId: string;

  @Column({ type: 'text' })
  status: SeatStatus;

  @Column({ type: 'text' })
  role: SeatRole;

  @Column({ type: 'text', nullable: true })
  playerData: string | null;

  @Column({ type: 'text', nullable: true })
  clientVersion: string | null;

  @Column({ type: 'text', nullable: true })
  platform: string | null;

  @Column({ type: 'text', nullable: true })
  input: string | null;

  @Column({ type: 'text', nullable: true })
  permittedPlatform: string | null;

  @Column({ type: 'text', nullable: true })
  permittedInput: string | null;

  @Column({ type: 'jsonb' })
  customData: Record<string, string>;

  @Column({ type: 'text', nullable: true })
  invitingPlayerId: string | null;

  /** Deadline of a RESERVED seat; null for seats that never time out (invitations). */
  @Column({ type: 'timestamptz', nullable: true })
  reservedUntil: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  joinedAt: Date | null;

  /** When the player's client last polled the session (player_culling_timeout). */
  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
