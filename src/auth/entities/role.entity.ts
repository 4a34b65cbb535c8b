import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A named permission set. Players, clients and access keys each hold one role. */
@Entity('role')
export class RoleEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true })
  permissions: string[];

  @Column({ type: 'text', default: '' })
  description: string;

  /** Shipped with Joinery; may be edited but not deleted. */
  @Column({ type: 'boolean', default: false })
  builtin: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
