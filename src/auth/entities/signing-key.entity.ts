import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * RS256 key pair used to sign access tokens when `JWT_PRIVATE_KEY` is not
 * configured. Created once and shared through the database, so every
 * instance signs and verifies with the same keys; the private key is stored
 * sealed with SECRETS_ENCRYPTION_KEY, never in clear.
 */
@Entity('signing_key')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  /** Only in databases from before sealing, until the service seals the row at start-up. */
  @Column({ type: 'text', nullable: true })
  privateKeyPem: string | null;

  /** The PKCS#8 PEM sealed with SECRETS_ENCRYPTION_KEY (see secret-box.ts), bound to the kid. */
  @Column({ type: 'text', nullable: true })
  privateKeySealed: string | null;

  @Column({ type: 'jsonb' })
  publicJwk: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** A retired key still verifies tokens until they expire but signs no new ones. */
  @Column({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
