import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session operations where who may act depends on the session's rows
 * (its leader, its members): the check and the change happen in one
 * statement, under the session's row lock, so leadership cannot change
 * between them.
 */
export class SessionApi1795320150000 implements MigrationInterface {
  name = 'SessionApi1795320150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(FUNCTIONS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_close_session(uuid, text, boolean)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_invite(uuid, text, text, boolean, integer, jsonb)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_promote(uuid, text, text, boolean)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_remove_player(uuid, text, text, boolean)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS joinery_is_leader(uuid, text)`);
  }
}

const FUNCTIONS = `
CREATE FUNCTION joinery_is_leader(p_session uuid, p_player_id text)
RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND player_id = p_player_id
                                     AND role = 'leader' AND status IN ('RESERVED', 'ACTIVE'))
$fn$;

-- Leave, kick, or cancel an invitation. The actor may remove themselves; removing someone else
-- takes the session's leader or a privileged actor (session:update-player:any).
-- Outcomes: removed | not_found (session) | not_in_session | forbidden.
CREATE FUNCTION joinery_remove_player(p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_seat uuid;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT id INTO v_seat FROM seat WHERE session_id = p_session AND player_id = p_player_id AND status IN ('RESERVED', 'ACTIVE');
  IF NOT FOUND THEN
    RETURN 'not_in_session';
  END IF;
  IF p_player_id IS DISTINCT FROM p_actor_id AND NOT p_privileged AND NOT joinery_is_leader(p_session, p_actor_id) THEN
    RETURN 'forbidden';
  END IF;
  PERFORM joinery_release_locked(v_seat, 'COMPLETED');
  RETURN 'removed';
END
$fn$;

-- Makes a member the leader (the previous leader becomes a member). Takes the leader or a
-- privileged actor (session:promote:any). Outcomes: promoted | not_found | not_in_session |
-- not_a_member | forbidden.
CREATE FUNCTION joinery_promote(p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_role text;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT role INTO v_role FROM seat WHERE session_id = p_session AND player_id = p_player_id AND status IN ('RESERVED', 'ACTIVE');
  IF NOT FOUND THEN
    RETURN 'not_in_session';
  END IF;
  IF NOT p_privileged AND NOT joinery_is_leader(p_session, p_actor_id) THEN
    RETURN 'forbidden';
  END IF;
  IF v_role = 'leader' THEN
    RETURN 'promoted';
  END IF;
  IF v_role <> 'member' THEN
    RETURN 'not_a_member';
  END IF;
  UPDATE seat SET role = 'member' WHERE session_id = p_session AND role = 'leader' AND status IN ('RESERVED', 'ACTIVE');
  UPDATE seat SET role = 'leader' WHERE session_id = p_session AND player_id = p_player_id AND status = 'ACTIVE';
  UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = p_session;
  RETURN 'promoted';
END
$fn$;

-- Invites a player: a seat held with status 'invited' (it counts against capacity and does
-- not time out). Takes a member of the session or a privileged actor (session:update:any).
-- Outcomes: those of joinery_add_player, plus forbidden.
CREATE FUNCTION joinery_invite(p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean,
                               p_team integer, p_custom_data jsonb)
RETURNS TABLE (outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session FOR UPDATE;
  IF FOUND AND NOT p_privileged AND NOT EXISTS (
       SELECT 1 FROM seat WHERE session_id = p_session AND player_id = p_actor_id
                            AND role IN ('leader', 'member') AND status = 'ACTIVE') THEN
    RETURN QUERY SELECT 'forbidden'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM joinery_add_player(
    p_session, p_team, 'RESERVED', 'invited', p_player_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, p_custom_data, p_actor_id);
END
$fn$;

-- Closes a session (RallyHere DELETE): the leader or a privileged actor (session:delete:any).
-- Outcomes: terminated | not_found | forbidden.
CREATE FUNCTION joinery_close_session(p_session uuid, p_actor_id text, p_privileged boolean)
RETURNS text LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  IF NOT p_privileged AND NOT joinery_is_leader(p_session, p_actor_id) THEN
    RETURN 'forbidden';
  END IF;
  RETURN joinery_terminate_session(p_session, 'CLOSED');
END
$fn$;
`;
