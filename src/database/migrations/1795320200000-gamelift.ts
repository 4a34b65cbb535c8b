import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the GameLift-compatible API adds to the session core:
 *  - SigV4 access keys (secrets encrypted with AES-256-GCM by the service);
 *  - a game session's protection policy (shown by DescribeGameSessionDetails);
 *  - two ledger functions: changing a game session (capacity, name, creation policy,
 *    properties) and activating it (ACTIVATING -> ACTIVE).
 *
 * The functions follow the sessions migration's locking rule: lock the game_session
 * row first; the CHECK constraints on counts stay the last line of defence.
 */
export class GameLift1795320200000 implements MigrationInterface {
  name = 'GameLift1795320200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_key (
        id               text PRIMARY KEY CHECK (id ~ '^AKIA[A-Z0-9]{16}$'),
        secret_encrypted text NOT NULL,
        role             text NOT NULL REFERENCES role(name) ON UPDATE CASCADE,
        enabled          boolean NOT NULL DEFAULT true,
        description      text NOT NULL DEFAULT '' CHECK (length(description) <= 256),
        created_at       timestamptz NOT NULL DEFAULT now(),
        last_rotated_at  timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      ALTER TABLE game_session
        ADD COLUMN protection_policy text NOT NULL DEFAULT 'NoProtection'
        CHECK (protection_policy IN ('NoProtection', 'FullProtection'))`);

    await queryRunner.query(FUNCTIONS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_activate_session(uuid)`);
    await queryRunner.query(
      `DROP FUNCTION IF EXISTS joinery_update_game_session(uuid, integer, text, text, jsonb, text)`,
    );
    await queryRunner.query(`ALTER TABLE game_session DROP COLUMN protection_policy`);
    await queryRunner.query(`DROP TABLE access_key`);
  }
}

const FUNCTIONS = `
-- GameLift UpdateGameSession / UpdatePlayerSessionCreationPolicy: changes a live (ACTIVE or
-- ACTIVATING) game session. NULL arguments leave their column alone. A new capacity applies to
-- single-team sessions only and may not drop below the occupied seats (overdue reservations are
-- timed out first). Properties are merged: new keys are added, existing keys get the new value.
-- Outcomes: updated | not_found | invalid_status | multi_team | below_occupied | too_many_properties.
CREATE FUNCTION joinery_update_game_session(
  p_session uuid, p_max_players integer, p_name text, p_policy text, p_properties jsonb, p_protection text)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  g game_session%ROWTYPE;
  v_teams integer;
  v_count integer;
  v_properties jsonb;
BEGIN
  SELECT * INTO g FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF g.status NOT IN ('ACTIVE', 'ACTIVATING') THEN
    RETURN 'invalid_status';
  END IF;

  IF p_max_players IS NOT NULL AND p_max_players <> g.max_players THEN
    SELECT count(*) INTO v_teams FROM session_team WHERE session_id = p_session;
    IF v_teams <> 1 THEN
      RETURN 'multi_team';
    END IF;
    v_count := g.player_count;
    IF p_max_players < v_count THEN
      PERFORM joinery_expire_session_reservations(p_session);
      SELECT player_count INTO v_count FROM game_session WHERE id = p_session;
    END IF;
    IF p_max_players < v_count THEN
      RETURN 'below_occupied';
    END IF;
    UPDATE session_team SET max_size = p_max_players WHERE session_id = p_session;
  END IF;

  v_properties := g.game_properties;
  IF p_properties IS NOT NULL THEN
    SELECT coalesce(jsonb_agg(m.prop ORDER BY m.ord), '[]'::jsonb) INTO v_properties
      FROM (SELECT coalesce(n.prop, o.prop) AS prop, coalesce(o.ord, 1000000 + n.ord) AS ord
              FROM jsonb_array_elements(g.game_properties) WITH ORDINALITY AS o(prop, ord)
              FULL JOIN jsonb_array_elements(p_properties) WITH ORDINALITY AS n(prop, ord)
                ON o.prop->>'Key' = n.prop->>'Key') m;
    IF jsonb_array_length(v_properties) > 16 THEN
      RETURN 'too_many_properties';
    END IF;
  END IF;

  UPDATE game_session SET
    max_players       = coalesce(p_max_players, max_players),
    name              = coalesce(p_name, name),
    creation_policy   = coalesce(p_policy, creation_policy),
    protection_policy = coalesce(p_protection, protection_policy),
    game_properties   = v_properties,
    version           = version + 1,
    updated_at        = now()
  WHERE id = p_session;
  RETURN 'updated';
END
$fn$;

-- GameLift ActivateGameSession (the game server is ready): ACTIVATING -> ACTIVE.
-- Outcomes: activated | already_active | not_found | invalid_status.
CREATE FUNCTION joinery_activate_session(p_session uuid)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_status text;
BEGIN
  SELECT status INTO v_status FROM game_session WHERE id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF v_status = 'ACTIVE' THEN
    RETURN 'already_active';
  END IF;
  IF v_status <> 'ACTIVATING' THEN
    RETURN 'invalid_status';
  END IF;
  UPDATE game_session SET status = 'ACTIVE', version = version + 1, updated_at = now() WHERE id = p_session;
  RETURN 'activated';
END
$fn$;
`;
