/**
 * The bad input, seat rules, GameLift details suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts of a few seconds each share one file (docs/testing.md). Each part keeps its
 * own describe block, database and application; run one with `-t '<its describe title>'`.
 */
import './bad-input.e2e.js';
import './gamelift-details.e2e.js';
import './seat-rules.e2e.js';
