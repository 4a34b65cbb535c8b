import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/**
 * A session type. `config` is the whole RallyHere `SessionTemplate` as
 * served; the columns beside it are the fields that drive create-or-join,
 * kept as columns so that SQL can read them.
 */
@Entity('session_template')
export class SessionTemplateEntity {
  @PrimaryColumn({ type: 'text' })
  sessionType: string;

  @Column({ type: 'jsonb' })
  config: Record<string, unknown>;

  @Column({ type: 'boolean' })
  canBeCreatedByPlayersDirectly: boolean;

  @Column({ type: 'boolean' })
  attemptAutoJoin: boolean;

  @Column({ type: 'boolean' })
  defaultPublic: boolean;

  @Column({ type: 'boolean' })
  keepAliveOnEmpty: boolean;

  @Column({ type: 'boolean' })
  canChangeOwnTeam: boolean;

  @Column({ type: 'integer' })
  numTeams: number;

  @Column({ type: 'integer' })
  playersPerTeam: number;

  /** `file`: from the templates file; `admin`: created or edited through the admin API. */
  @Column({ type: 'text', default: 'file' })
  source: 'file' | 'admin';

  @VersionColumn({ type: 'integer' })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
