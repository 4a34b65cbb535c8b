import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A player identity. Anonymous players are keyed by a digest of their device id. */
@Entity('player')
@Index(['platform', 'portalUserId'], { unique: true })
export class PlayerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** RallyHere's legacy integer player id. */
  @Column({ type: 'bigint', unique: true })
  @Generated('increment')
  legacyId: string;

  @Column({ type: 'text' })
  platform: string;

  /** Platform user id; for `anon`, the SHA-256 of the device id (the id itself is a credential). */
  @Column({ type: 'text' })
  portalUserId: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text', default: 'player' })
  role: string;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastLoginAt: Date;
}
