import { Auth1795320000000 } from './1795320000000-auth.js';
import { Sessions1795320100000 } from './1795320100000-sessions.js';
import { GameLift1795320200000 } from './1795320200000-gamelift.js';

/** Every migration, in order. Listed explicitly: no globbing in ESM builds. */
export const MIGRATIONS = [Auth1795320000000, Sessions1795320100000, GameLift1795320200000];
