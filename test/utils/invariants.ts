import { ledgerViolations } from '../../bench/lib/invariants.js';
import type { TestDatabase } from './database.js';

/**
 * The ledger's invariants, checked straight in the database (the SQL is
 * shared with the benchmark, bench/lib/invariants.ts): no team or session
 * over capacity, counts equal the occupied seats behind them, and no player
 * holding two seats in one session.
 */
export async function expectLedgerInvariants(db: TestDatabase): Promise<void> {
  await expect(ledgerViolations((sql, params) => db.query(sql, params))).resolves.toEqual({});
}
