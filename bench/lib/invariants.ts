/**
 * The seat ledger's invariants as SQL, shared by the benchmark and the test
 * suite (test/utils/invariants.ts): no team or session over capacity, counts
 * equal the occupied seats behind them, no player holding two seats in one
 * session. Each query returns the rows that break its invariant.
 */
export const LEDGER_INVARIANTS: Record<string, string> = {
  overfull: `SELECT 'team' AS what, session_id::text AS id FROM session_team WHERE player_count > max_size
             UNION ALL SELECT 'session', id::text FROM game_session WHERE player_count > max_players`,
  team_count_mismatch: `SELECT t.session_id, t.team_id, t.player_count, count(s.id)::int AS seats
      FROM session_team t
      LEFT JOIN seat s ON s.session_id = t.session_id AND s.team_id = t.team_id AND s.status IN ('RESERVED', 'ACTIVE')
     GROUP BY t.session_id, t.team_id, t.player_count
    HAVING t.player_count <> count(s.id)`,
  session_count_mismatch: `SELECT g.id, g.player_count, seats, team_total FROM game_session g
      CROSS JOIN LATERAL (SELECT count(*)::int AS seats FROM seat s
                           WHERE s.session_id = g.id AND s.status IN ('RESERVED', 'ACTIVE')) AS a
      CROSS JOIN LATERAL (SELECT coalesce(sum(player_count), 0)::int AS team_total FROM session_team t
                           WHERE t.session_id = g.id) AS b
     WHERE g.player_count <> seats OR g.player_count <> team_total`,
  player_seated_twice: `SELECT session_id, player_id, count(*)::int AS n FROM seat WHERE status IN ('RESERVED', 'ACTIVE')
     GROUP BY session_id, player_id HAVING count(*) > 1`,
};

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Every invariant that does not hold, with (up to 5 of) the rows that break it. Empty: all hold. */
export async function ledgerViolations(query: Query): Promise<Record<string, Record<string, unknown>[]>> {
  const violations: Record<string, Record<string, unknown>[]> = {};
  for (const [name, sql] of Object.entries(LEDGER_INVARIANTS)) {
    const rows = await query(sql);
    if (rows.length > 0) violations[name] = rows.slice(0, 5);
  }
  return violations;
}
