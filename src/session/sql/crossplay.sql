-- Crossplay in SQL: the session's aggregate of its seats' profiles, and the compatibility predicate. The rule is
-- the same as src/crossplay/crossplay.ts (plain TypeScript, unit-tested); test/database/sql-functions.e2e-spec.ts
-- checks that both agree, constants included.

-- Every platform family (xboxlike | playstationlike): a session nobody restricts.
CREATE OR REPLACE FUNCTION joinery_cp_all_families() RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT 3 $$;

-- Every input (keyboardandmouse | gamepad | touch).
CREATE OR REPLACE FUNCTION joinery_cp_all_inputs() RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT 7 $$;

-- May a player with this profile join a session with this aggregate? A seat without a profile (p_family NULL:
-- a GameLift reservation by a backend) is not subject to crossplay.
CREATE OR REPLACE FUNCTION joinery_cp_can_join(
  s_families_all integer, s_required_families integer, s_inputs_any integer, s_inputs_allowed integer,
  p_family integer, p_input integer, p_required_families integer, p_allowed_inputs integer
) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT p_family IS NULL OR (
        (s_families_all & p_required_families) = p_required_families
    AND (s_inputs_any & ~p_allowed_inputs) = 0
    AND (p_family & s_required_families) = s_required_families
    AND (p_input & s_inputs_allowed) <> 0)
$$;

-- May a player whose profile is unknown (a player token on the REST facade: no client settings) join? Only a
-- session whose players restrict neither platforms nor inputs.
CREATE OR REPLACE FUNCTION joinery_cp_unrestricted(s_required_families integer, s_inputs_allowed integer)
  RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT s_required_families = 0 AND s_inputs_allowed = joinery_cp_all_inputs() $$;

-- Recomputes a session's aggregate from its occupied seats (after a seat left or changed its profile).
CREATE OR REPLACE FUNCTION joinery_refresh_crossplay(p_session uuid) RETURNS void
  LANGUAGE sql
  AS $$
  UPDATE game_session g SET
    cp_families_all      = a.families_all,
    cp_required_families = a.required_families,
    cp_inputs_any        = a.inputs_any,
    cp_inputs_allowed    = a.inputs_allowed
  FROM (
    SELECT coalesce(bit_and(cp_family), joinery_cp_all_families())  AS families_all,
           coalesce(bit_or(cp_required_families), 0)                AS required_families,
           coalesce(bit_or(cp_input), 0)                            AS inputs_any,
           coalesce(bit_and(cp_allowed_inputs), joinery_cp_all_inputs()) AS inputs_allowed
      FROM seat
     WHERE session_id = p_session AND joinery_seat_occupies(status) AND cp_family IS NOT NULL
  ) a
  WHERE g.id = p_session
$$;
