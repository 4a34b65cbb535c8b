/**
 * The admin suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts share one file (docs/testing.md). Each part keeps its own describe block,
 * database and application; run one with `-t '<its describe title>'`.
 */
import './admin-api.admin.js';
import './operator-day.admin.js';
