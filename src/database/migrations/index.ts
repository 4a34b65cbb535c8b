import { Admin1795320160000 } from './1795320160000-admin.js';
import { Auth1795320000000 } from './1795320000000-auth.js';
import { SessionApi1795320150000 } from './1795320150000-session-api.js';
import { Sessions1795320100000 } from './1795320100000-sessions.js';
import { GameLift1795320200000 } from './1795320200000-gamelift.js';
import { Perf1795320300000 } from './1795320300000-perf.js';
import { AuthHardening1795320400000 } from './1795320400000-auth-hardening.js';

/** Every migration, in order. Listed explicitly: no globbing in ESM builds. */
export const MIGRATIONS = [
  Auth1795320000000,
  Sessions1795320100000,
  SessionApi1795320150000,
  Admin1795320160000,
  GameLift1795320200000,
  Perf1795320300000,
  AuthHardening1795320400000,
];
