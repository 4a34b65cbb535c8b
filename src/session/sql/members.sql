-- Members: invitations, the leader, leaving and kicking. Who may do what to whom is decided here, under the
-- session's row lock, with the predicates of predicates.sql.

-- Invites a known player: a RESERVED seat with role `invited` that counts against capacity and expires after
-- p_expires_in seconds (the sweeper times it out like any reservation). The inviter must be a member, unless
-- privileged. With p_overflow, a full team asked for gives way to the team with the most room (RallyHere's
-- allow_overflow). Outcomes: joined (invited), existing, forbidden, unknown_player, and joinery_add_player's.
CREATE OR REPLACE FUNCTION joinery_invite(
  p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean, p_team integer, p_overflow boolean,
  p_custom_data jsonb, p_expires_in integer
) RETURNS TABLE(outcome text, session_id uuid, team_id integer, seat_id uuid, seat_role text)
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_invitee jsonb := jsonb_build_object('player_id', p_player_id, 'custom_data', p_custom_data);
  v_deadline timestamptz := now() + make_interval(secs => p_expires_in);
  v_added record;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session FOR UPDATE;
  IF FOUND AND NOT p_privileged AND NOT (p_actor_id IS NOT NULL AND joinery_is_member(p_session, p_actor_id)) THEN
    RETURN QUERY SELECT 'forbidden'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM player
                  WHERE p_player_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                    AND id = p_player_id::uuid) THEN
    RETURN QUERY SELECT 'unknown_player'::text, p_session, NULL::integer, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  SELECT * INTO v_added FROM joinery_add_player(p_session, p_team, 'RESERVED', 'invited', v_deadline, p_actor_id, v_invitee);
  IF v_added.outcome = 'full' AND p_team IS NOT NULL AND p_overflow THEN
    SELECT * INTO v_added FROM joinery_add_player(p_session, NULL, 'RESERVED', 'invited', v_deadline, p_actor_id, v_invitee);
  END IF;
  RETURN QUERY SELECT v_added.outcome, v_added.session_id, v_added.team_id, v_added.seat_id, v_added.seat_role;
END
$$;

-- Makes a member the leader (the leader, or privileged). Outcomes: promoted, not_found, not_in_session,
-- forbidden, not_a_member.
CREATE OR REPLACE FUNCTION joinery_promote(p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean)
  RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v_role text;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT role INTO v_role FROM seat
   WHERE session_id = p_session AND player_id = p_player_id AND joinery_seat_occupies(status);
  IF NOT FOUND THEN
    RETURN 'not_in_session';
  END IF;
  IF NOT joinery_may_lead(p_session, p_actor_id, p_privileged) THEN
    RETURN 'forbidden';
  END IF;
  IF v_role = 'leader' THEN
    RETURN 'promoted';
  END IF;
  IF v_role <> 'member' THEN
    RETURN 'not_a_member';
  END IF;
  UPDATE seat SET role = 'member' WHERE session_id = p_session AND role = 'leader' AND joinery_seat_occupies(status);
  UPDATE seat SET role = 'leader' WHERE session_id = p_session AND player_id = p_player_id
                                    AND joinery_seat_occupies(status);
  UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = p_session;
  PERFORM joinery_emit(p_session, 'leader_changed', p_player_id, '{}');
  RETURN 'promoted';
END
$$;

-- Who may kick whom: a player may always remove themselves (leave, or decline an invitation); the leader, or a
-- privileged actor, may remove anyone; the member who sent an invitation may cancel it. Outcomes: removed,
-- not_found, not_in_session, forbidden.
CREATE OR REPLACE FUNCTION joinery_remove_player(p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean)
  RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v seat%ROWTYPE;
BEGIN
  PERFORM 1 FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT * INTO v FROM seat WHERE session_id = p_session AND player_id = p_player_id AND joinery_seat_occupies(status);
  IF NOT FOUND THEN
    RETURN 'not_in_session';
  END IF;
  IF p_player_id IS DISTINCT FROM p_actor_id
     AND NOT joinery_may_lead(p_session, p_actor_id, p_privileged)
     AND NOT (v.role = 'invited' AND p_actor_id IS NOT NULL AND v.inviting_player_id = p_actor_id) THEN
    RETURN 'forbidden';
  END IF;
  PERFORM joinery_release_locked(v.id, 'COMPLETED',
                                 CASE WHEN p_player_id IS DISTINCT FROM p_actor_id THEN 'kicked' ELSE 'left' END);
  RETURN 'removed';
END
$$;

-- Changes a seated player's team or custom data (RallyHere's player update and move). The player may change their
-- own custom data, and their own team when the session's template lets players change teams
-- (can_change_own_team); the leader, or a privileged actor, may change anyone's. A move goes to a team with a free
-- seat. Outcomes: updated, not_found, not_in_session, forbidden, invalid_team, full.
CREATE OR REPLACE FUNCTION joinery_update_player(
  p_session uuid, p_player_id text, p_actor_id text, p_privileged boolean, p_team integer, p_custom_data jsonb
) RETURNS text
  LANGUAGE plpgsql
  AS $$
#variable_conflict use_column
DECLARE
  v seat%ROWTYPE;
  v_type text;
  v_lead boolean;
BEGIN
  SELECT type INTO v_type FROM game_session WHERE id = p_session AND status = 'ACTIVE' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'not_found';
  END IF;
  SELECT * INTO v FROM seat WHERE session_id = p_session AND player_id = p_player_id AND joinery_seat_occupies(status);
  IF NOT FOUND THEN
    RETURN 'not_in_session';
  END IF;
  v_lead := joinery_may_lead(p_session, p_actor_id, p_privileged);
  IF NOT v_lead AND p_player_id IS DISTINCT FROM p_actor_id THEN
    RETURN 'forbidden';
  END IF;
  IF p_team IS NOT NULL AND p_team <> v.team_id THEN
    IF NOT v_lead AND NOT coalesce((SELECT can_change_own_team FROM session_template WHERE session_type = v_type), true) THEN
      RETURN 'forbidden';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id = p_team) THEN
      RETURN 'invalid_team';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id = p_team
                                              AND player_count < max_size) THEN
      PERFORM joinery_expire_session_reservations(p_session);
      IF NOT EXISTS (SELECT 1 FROM session_team WHERE session_id = p_session AND team_id = p_team
                                                AND player_count < max_size) THEN
        RETURN 'full';
      END IF;
    END IF;
    UPDATE session_team SET player_count = player_count - 1 WHERE session_id = p_session AND team_id = v.team_id;
    UPDATE session_team SET player_count = player_count + 1 WHERE session_id = p_session AND team_id = p_team;
    UPDATE seat SET team_id = p_team WHERE id = v.id;
  END IF;
  IF p_custom_data IS NOT NULL THEN
    UPDATE seat SET custom_data = p_custom_data WHERE id = v.id;
  END IF;
  UPDATE game_session SET version = version + 1, updated_at = now() WHERE id = p_session;
  PERFORM joinery_emit(p_session, 'player_updated', p_player_id,
                       jsonb_build_object('team_id', coalesce(p_team, v.team_id)));
  RETURN 'updated';
END
$$;
