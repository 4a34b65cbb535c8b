/**
 * The RallyHere session API suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts of a few seconds each share one file (docs/testing.md). Each part keeps its
 * own describe block, database and application; run one with `-t '<its describe title>'`.
 */
import './conformance.e2e.js';
import './deprecated-routes.e2e.js';
import './conditional-reads.e2e.js';
import './server-sessions.e2e.js';
import './session-api.e2e.js';
import './unreal-flow.e2e.js';
import './session-events.e2e.js';
