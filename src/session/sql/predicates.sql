-- The seat ledger's shared predicates: each rule of "who holds a seat", "who is a member", "who may lead" and
-- "which sessions take newcomers" is stated here once, and every function and read names it. They are plain SQL
-- functions, so the planner inlines them (and still matches the partial indexes of schema.sql).

-- Occupies a seat: the seat counts against its team's and its session's capacity.
CREATE OR REPLACE FUNCTION joinery_seat_occupies(p_status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT p_status IN ('RESERVED', 'ACTIVE') $$;

-- Overdue: a reservation (GameLift's player session, or an invitation) past its deadline. It still occupies its
-- seat in the ledger until it is timed out (by the sweeper, or by the next seat change of its session, which
-- expires the session's overdue reservations first); reads already show it TIMEDOUT and do not count it.
CREATE OR REPLACE FUNCTION joinery_seat_overdue(p_status text, p_reserved_until timestamptz) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT p_status = 'RESERVED' AND p_reserved_until IS NOT NULL AND p_reserved_until <= now() $$;

-- Holds a seat, as reads show it: occupies and is not overdue.
CREATE OR REPLACE FUNCTION joinery_seat_holds(p_status text, p_reserved_until timestamptz) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT joinery_seat_occupies(p_status) AND NOT joinery_seat_overdue(p_status, p_reserved_until) $$;

-- A member: a real player of the session (its leader or a member, reserved or active), not an invitee.
CREATE OR REPLACE FUNCTION joinery_seat_is_member(p_role text, p_status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT p_role IN ('leader', 'member') AND joinery_seat_occupies(p_status) $$;

-- Whether a player is a member of a session.
CREATE OR REPLACE FUNCTION joinery_is_member(p_session uuid, p_player_id text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND player_id = p_player_id
                                            AND joinery_seat_is_member(role, status)) $$;

-- Whether a player leads a session.
CREATE OR REPLACE FUNCTION joinery_is_leader(p_session uuid, p_player_id text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT EXISTS (SELECT 1 FROM seat WHERE session_id = p_session AND player_id = p_player_id
                                            AND role = 'leader' AND joinery_seat_occupies(status)) $$;

-- Leader or privileged: who may change a session, kick others, promote, close. `p_privileged` is the caller's
-- `...:any` permission, decided by the service from the route's permission (docs/permissions.md).
CREATE OR REPLACE FUNCTION joinery_may_lead(p_session uuid, p_actor_id text, p_privileged boolean) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT p_privileged OR (p_actor_id IS NOT NULL AND joinery_is_leader(p_session, p_actor_id)) $$;

-- Open for newcomers: a live, public session accepting new players. A password (if any) is checked apart.
CREATE OR REPLACE FUNCTION joinery_session_open(p_status text, p_public boolean, p_policy text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT p_status = 'ACTIVE' AND p_public AND p_policy = 'ACCEPT_ALL' $$;

-- A create-or-join candidate (the predicate of ix_game_session_open): open, no password, and a free seat by the
-- ledger's count. Deliberately the ledger's count rather than the reads' (joinery_free_seats): it is what the
-- index can answer, and a session whose only free seats are overdue reservations is found again within the
-- sweeper's interval (about a second), once they are timed out.
CREATE OR REPLACE FUNCTION joinery_session_auto_joinable(
  p_status text, p_public boolean, p_policy text, p_password_digest text, p_has_room boolean
) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT joinery_session_open(p_status, p_public, p_policy) AND p_password_digest IS NULL AND p_has_room $$;

-- Seats held in a session, as reads count them (no overdue reservation).
CREATE OR REPLACE FUNCTION joinery_held_seats(p_session uuid) RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT count(*)::int FROM seat WHERE session_id = p_session AND joinery_seat_holds(status, reserved_until) $$;

-- Free seats of a session, as every read answers "has a free seat" (the RallyHere browser, SearchGameSessions'
-- hasAvailablePlayerSessions, a snapshot's counts): capacity less the held seats.
CREATE OR REPLACE FUNCTION joinery_free_seats(p_session uuid, p_max_players integer) RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT p_max_players - joinery_held_seats(p_session) $$;

-- Too many wrong passwords: after 5 failures in a row, a session refuses password attempts for 60 seconds from
-- the last failure (a right password resets the count).
CREATE OR REPLACE FUNCTION joinery_password_locked(p_failures integer, p_failed_at timestamptz) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT p_failures >= 5 AND coalesce(p_failed_at > now() - interval '60 seconds', false) $$;
