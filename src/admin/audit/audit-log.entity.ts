import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'refused' | 'failed';

/** One admin action or refused admin attempt. Written once, never changed. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** `player`, `client`, `access-key`, or `anonymous` when no valid credentials came with the request. */
  @Column({ type: 'text' })
  actorKind: string;

  @Column({ type: 'text', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  actorRole: string | null;

  /** The route: method and path pattern, e.g. `PUT /admin/v1/templates/:session_type`. */
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  method: string;

  /** The path as requested. */
  @Column({ type: 'text' })
  path: string;

  /** What the action was about: the route's parameters (and the created resource's id). */
  @Column({ type: 'jsonb' })
  target: Record<string, string>;

  @Column({ type: 'text' })
  outcome: AuditOutcome;

  @Column({ type: 'integer' })
  status: number;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;
}
