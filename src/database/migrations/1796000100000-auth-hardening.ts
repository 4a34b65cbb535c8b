import { readFileSync } from 'node:fs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sealed signing keys, refresh-token families, indexes for the purge: the SQL is in the `.sql` file beside this one. */
export class AuthHardening1796000100000 implements MigrationInterface {
  name = 'AuthHardening1796000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(readFileSync(new URL('./1796000100000-auth-hardening.sql', import.meta.url), 'utf8'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX ix_player_anon_last_login_at;
      DROP INDEX ix_refresh_token_expires_at;
      DROP INDEX ix_refresh_token_family_id;
      ALTER TABLE refresh_token DROP COLUMN family_id;
      ALTER TABLE signing_key DROP CONSTRAINT ck_signing_key_private;
      ALTER TABLE signing_key ALTER COLUMN private_key_pem SET NOT NULL;
      ALTER TABLE signing_key DROP COLUMN private_key_sealed`);
  }
}
