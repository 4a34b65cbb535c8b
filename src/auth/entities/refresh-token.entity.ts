import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A single-use refresh token, stored as a digest. Using it revokes it and issues a new one. */
@Entity('refresh_token')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  tokenDigest: string;

  /** The client that obtained it; a refresh must come through the same client. */
  @Column({ type: 'text' })
  clientId: string;

  /** The player it logs in again, or null for a client principal. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  playerId: string | null;

  /** The tokens traded from one login share the first one's family; reuse revokes the family. */
  @Column({ type: 'uuid' })
  familyId: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
