import type { AppConfig } from '../config/config.js';
import type { SessionLedger } from './session-ledger.js';
import { ReservationSweeper } from './reservation-sweeper.js';

/** A ledger stand-in that records sweeps (the SQL side is covered by the lifecycle e2e spec). */
function fakeLedger(results: (number | Error)[]) {
  const calls: number[] = [];
  const ledger = {
    sweepReservations: async (batch: number) => {
      calls.push(batch);
      const next = results.shift() ?? 0;
      if (next instanceof Error) throw next;
      return next;
    },
    cullPlayers: async () => 0,
    keepMinSessions: async () => 0,
    pruneEvents: async () => 0,
  } as unknown as SessionLedger;
  return { ledger, calls };
}

const config = { gamelift: { sweepIntervalMs: 10 } } as AppConfig;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ReservationSweeper', () => {
  it('sweeps in batches of sessions until a batch frees nothing', async () => {
    const { ledger, calls } = fakeLedger([200, 450, 3]);
    await expect(new ReservationSweeper(ledger, config).sweep()).resolves.toBe(653);
    expect(calls).toEqual([200, 200, 200, 200]);
  });

  it('stops after 50 batches in one tick', async () => {
    const { ledger, calls } = fakeLedger(Array.from({ length: 60 }, () => 1));
    await expect(new ReservationSweeper(ledger, config).sweep()).resolves.toBe(50);
    expect(calls).toHaveLength(50);
  });

  it('keeps ticking after a failed sweep and stops for good on shutdown', async () => {
    const { ledger, calls } = fakeLedger([new Error('database restarting'), 1, 0, 0, 0, 0, 0, 0]);
    const sweeper = new ReservationSweeper(ledger, config);
    (sweeper as unknown as { logger: { warn: () => void; log: () => void } }).logger = {
      warn: () => {},
      log: () => {},
    };
    await sweeper.onApplicationBootstrap();
    // Until the failed sweep and the next one ran (polling, not a fixed wait: the machine may be busy).
    for (const deadline = Date.now() + 10_000; calls.length < 2 && Date.now() < deadline;) await sleep(10);
    await sweeper.onModuleDestroy();
    const afterStop = calls.length;
    expect(afterStop).toBeGreaterThanOrEqual(2);
    await sleep(50);
    expect(calls.length).toBe(afterStop);
  });
});
