import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An AWS-style access key for Signature V4. SigV4 needs the plaintext secret on
 * the server, so it is stored encrypted (AES-256-GCM, see src/auth/secret-box.ts), not hashed.
 */
@Entity('access_key')
export class AccessKeyEntity {
  /** `AKIA` + 16 characters of A-Z 0-9. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text', select: false })
  secretEncrypted: string;

  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastRotatedAt: Date | null;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
