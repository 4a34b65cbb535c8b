/**
 * The GameLift seats: races, lifecycle, both protocols, an outage suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts of a few seconds each share one file (docs/testing.md). Each part keeps its
 * own describe block, database and application; run one with `-t '<its describe title>'`.
 */
import './gamelift-concurrency.e2e.js';
import './lifecycle.e2e.js';
import './cross-protocol.e2e.js';
import './database-outage.e2e.js';
