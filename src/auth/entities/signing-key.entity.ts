import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * RS256 key pair used to sign access tokens when `JWT_PRIVATE_KEY` is not
 * configured. Created once and shared through the database, so every
 * instance signs and verifies with the same keys.
 */
@Entity('signing_key')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  privateKeyPem: string;

  @Column({ type: 'jsonb' })
  publicJwk: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** A retired key still verifies tokens until they expire but signs no new ones. */
  @Column({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
