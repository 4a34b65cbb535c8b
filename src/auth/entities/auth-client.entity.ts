import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A registered client (a game build, a game server, an admin tool) that
 * authenticates with HTTP Basic `client_id:secret` on `POST /users/v1/login`.
 */
@Entity('auth_client')
export class AuthClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  clientId: string;

  /** scrypt hash; the secret itself is shown once, at creation or rotation. */
  @Column({ type: 'text' })
  secretHash: string;

  /** Grant types this client may use (`anon`, `refresh`, `client_credentials`). */
  @Column({ type: 'text', array: true })
  grants: string[];

  /** Role of the client's own principal (`client_credentials`); null when it has none. */
  @Column({ type: 'text', nullable: true })
  role: string | null;

  /** Role given to players created through this client. */
  @Column({ type: 'text', default: 'player' })
  playerRole: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'text', default: '' })
  description: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
