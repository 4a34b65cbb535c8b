import type { TestDatabase } from './test-app.js';

/**
 * The ledger's invariants, checked straight in the database:
 * no team or session over capacity, counts equal the occupied seats behind
 * them, and no player holding two seats in one session.
 */
export async function expectLedgerInvariants(db: TestDatabase): Promise<void> {
  const overfull = await db.query(
    `SELECT 'team' AS what, session_id::text AS id FROM session_team WHERE player_count > max_size
     UNION ALL SELECT 'session', id::text FROM game_session WHERE player_count > max_players`,
  );
  expect(overfull).toEqual([]);
  const teamMismatch = await db.query(
    `SELECT t.session_id, t.team_id, t.player_count, count(s.id)::int AS seats
       FROM session_team t
       LEFT JOIN seat s ON s.session_id = t.session_id AND s.team_id = t.team_id AND s.status IN ('RESERVED', 'ACTIVE')
      GROUP BY t.session_id, t.team_id, t.player_count
     HAVING t.player_count <> count(s.id)`,
  );
  expect(teamMismatch).toEqual([]);
  const sessionMismatch = await db.query(
    `SELECT g.id, g.player_count, (SELECT count(*)::int FROM seat s WHERE s.session_id = g.id AND s.status IN ('RESERVED', 'ACTIVE')) AS seats,
            (SELECT coalesce(sum(player_count), 0)::int FROM session_team t WHERE t.session_id = g.id) AS team_total
       FROM game_session g`,
  );
  expect(sessionMismatch.filter((r) => r.player_count !== r.seats || r.player_count !== r.team_total)).toEqual([]);
  const doubled = await db.query(
    `SELECT session_id, player_id, count(*)::int AS n FROM seat WHERE status IN ('RESERVED', 'ACTIVE')
      GROUP BY session_id, player_id HAVING count(*) > 1`,
  );
  expect(doubled).toEqual([]);
}
