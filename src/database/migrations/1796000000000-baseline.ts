import { readFile } from 'node:fs/promises';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema as one plain SQL file (`../schema.sql`): tables, constraints,
 * indexes and the built-in roles. Nothing has shipped before it, so there is
 * no down(). The SQL functions are applied apart, at every start (sql-functions.ts).
 */
export class Baseline1796000000000 implements MigrationInterface {
  name = 'Baseline1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(await readFile(new URL('../schema.sql', import.meta.url), 'utf8'));
  }

  async down(): Promise<void> {
    throw new Error('The baseline migration cannot be reverted: drop the database instead');
  }
}
