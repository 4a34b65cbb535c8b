import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlFile } from '../sql-files.js';

/**
 * Game servers (issue 10): computes, their auth tokens, server processes and
 * the game session's process (`1795320400000-game-servers.sql`), then the
 * core's process and placement functions (`session/sql/game-servers.sql`,
 * every function `CREATE OR REPLACE`, each defined once there).
 */
export class GameServers1795320400000 implements MigrationInterface {
  name = 'GameServers1795320400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(sqlFile('database/migrations/1795320400000-game-servers.sql'));
    await queryRunner.query(sqlFile('session/sql/game-servers.sql'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS tr_game_session_ended ON game_session`);
    for (const fn of [
      'joinery_deregister_compute(text, text)',
      'joinery_sweep_processes(integer, integer, integer, integer)',
      'joinery_game_session_ended()',
      'joinery_process_end(uuid, text, boolean)',
      'joinery_process_activate_session(uuid, uuid)',
      'joinery_place_session(uuid, integer, text)',
      'joinery_place_game_session(text, text, text, integer, text, text, jsonb, text, text, integer)',
      'joinery_bind_process(uuid, uuid)',
      'joinery_lock_idle_process(text, text, integer)',
      'joinery_process_heartbeat(uuid, boolean)',
      'joinery_process_ready(uuid, uuid, integer, jsonb, text, text)',
      'joinery_process_disconnect(uuid, uuid)',
      'joinery_process_connect(text, text, text, uuid, text, text, text)',
      'joinery_process_idle(server_process, integer)',
      'joinery_push_session_update(uuid)',
      'joinery_sdk_push(uuid, text, jsonb)',
    ]) {
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}`);
    }
    await queryRunner.query(`ALTER TABLE game_session DROP COLUMN instance_status, DROP COLUMN process_id`);
    await queryRunner.query(`DROP TABLE server_process`);
    await queryRunner.query(`DROP TABLE compute_auth_token`);
    await queryRunner.query(`DROP TABLE compute`);
  }
}
