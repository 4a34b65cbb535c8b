import TestSequencer from '@jest/test-sequencer';
import { relative } from 'node:path';

/**
 * Jest starts the longest files first when its cache holds their times from an earlier run; otherwise it
 * starts the largest first. A fresh clone has no such cache, and then the slowest suites (which are small files
 * that import parts) can start last and make the run end on them. A file with no time in the cache gets its
 * measured one from this list: seconds, three workers, on the 2-core machine (docs/testing.md). It only orders
 * the files; a file in neither starts before them, as Jest starts a new file.
 */
const MEASURED_SECONDS = {
  'test/rallyhere/rallyhere.e2e-spec.ts': 27,
  'test/gamelift/gamelift-api.e2e-spec.ts': 20,
  'test/operations/postgres-restart.e2e-spec.ts': 19,
  'test/auth/auth.e2e-spec.ts': 16,
  'test/bench/bench-smoke.e2e-spec.ts': 15,
  'test/game-servers/game-servers.e2e-spec.ts': 14,
  'test/game-servers/game-server-processes.e2e-spec.ts': 14,
  'test/rallyhere/create-or-join-concurrency.e2e-spec.ts': 14,
  'test/operations/instance-killed.e2e-spec.ts': 13,
  'test/auth/production.e2e-spec.ts': 13,
  'test/operations/operations.e2e-spec.ts': 12,
  'test/hardening/fuzz.e2e-spec.ts': 12,
  'test/operations/graceful-stop.e2e-spec.ts': 12,
  'test/operations/cluster.e2e-spec.ts': 11,
  'test/admin/admin.admin-spec.ts': 11,
  'test/hardening/hardening.e2e-spec.ts': 10,
  'test/gamelift/gamelift-seats.e2e-spec.ts': 8,
  'test/rallyhere/create-or-join-group-commit.e2e-spec.ts': 8,
  'test/startup.e2e-spec.ts': 8,
  'test/crossplay/crossplay.e2e-spec.ts': 7,
  'test/operations/pgbouncer.e2e-spec.ts': 6,
  'test/database/sql-functions.e2e-spec.ts': 5,
  'test/rest-facade/rest-facade.e2e-spec.ts': 5,
  'test/gamelift/gamelift-group-commit.e2e-spec.ts': 5,
  'test/database/sql-loader.e2e-spec.ts': 3,
};

export default class MeasuredFirst extends TestSequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const seconds = MEASURED_SECONDS[relative(test.context.config.rootDir, test.path)];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}
