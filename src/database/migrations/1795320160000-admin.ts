import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log of the admin API: every change, and every refused attempt. */
export class Admin1795320160000 implements MigrationInterface {
  name = 'Admin1795320160000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor_kind  text NOT NULL,
        actor_id    text,
        actor_role  text,
        action      text NOT NULL,
        method      text NOT NULL,
        path        text NOT NULL,
        target      jsonb NOT NULL DEFAULT '{}',
        outcome     text NOT NULL CHECK (outcome IN ('success', 'refused', 'failed')),
        status      integer NOT NULL,
        request_id  text
      )`);
    await queryRunner.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, id)`);
    await queryRunner.query(`CREATE INDEX ix_audit_log_at ON audit_log (at)`);
    // An operator frees a stuck seat: a reservation ends TIMEDOUT, an active seat COMPLETED.
    // Outcomes: released | not_found | not_active.
    await queryRunner.query(`
      CREATE FUNCTION joinery_release_seat_by_operator(p_seat uuid)
      RETURNS text LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        v_session uuid;
        v_status text;
      BEGIN
        SELECT session_id INTO v_session FROM seat WHERE id = p_seat;
        IF NOT FOUND THEN
          RETURN 'not_found';
        END IF;
        PERFORM 1 FROM game_session WHERE id = v_session FOR UPDATE;
        SELECT status INTO v_status FROM seat WHERE id = p_seat;
        RETURN joinery_release_locked(p_seat, CASE WHEN v_status = 'RESERVED' THEN 'TIMEDOUT' ELSE 'COMPLETED' END);
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION joinery_release_seat_by_operator(uuid)`);
    await queryRunner.query(`DROP TABLE audit_log`);
  }
}
