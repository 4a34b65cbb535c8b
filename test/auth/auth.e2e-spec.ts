/**
 * The login, tokens, grants and abuse limits suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts of a few seconds each share one file (docs/testing.md). Each part keeps its
 * own describe block, database and application; run one with `-t '<its describe title>'`.
 */
import './login.e2e.js';
import './abuse.e2e.js';
import './grants.e2e.js';
import './tokens.e2e.js';
