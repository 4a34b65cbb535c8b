import { Baseline1796000000000 } from './1796000000000-baseline.js';

/** Every migration, in order. Listed explicitly: no globbing in ESM builds. */
export const MIGRATIONS = [Baseline1796000000000];
