import { Baseline1796000000000 } from './1796000000000-baseline.js';
import { AuthHardening1796000100000 } from './1796000100000-auth-hardening.js';

/** Every migration, in order. Listed explicitly: no globbing in ESM builds. */
export const MIGRATIONS = [Baseline1796000000000, AuthHardening1796000100000];
