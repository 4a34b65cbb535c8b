import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('session_team')
export class SessionTeamEntity {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ type: 'integer' })
  teamId: number;

  @Column({ type: 'integer' })
  maxSize: number;

  @Column({ type: 'integer' })
  playerCount: number;

  @Column({ type: 'jsonb' })
  customData: Record<string, string>;
}
