import { Auth1795320000000 } from './1795320000000-auth.js';

/** Every migration, in order. Listed explicitly: no globbing in ESM builds. */
export const MIGRATIONS = [Auth1795320000000];
