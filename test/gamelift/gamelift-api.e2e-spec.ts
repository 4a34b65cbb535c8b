/**
 * The GameLift operations, protocols and signatures suites, as one Jest test file. Jest loads the application's modules again for every test file
 * (about 2 s of CPU here), so the parts of a few seconds each share one file (docs/testing.md). Each part keeps its
 * own describe block, database and application; run one with `-t '<its describe title>'`.
 */
import './gamelift-operations.e2e.js';
import './gamelift-protocols.e2e.js';
import './gamelift-cbor-botocore.e2e.js';
import './gamelift-cbor-fuzz.e2e.js';
import './gamelift-auth.e2e.js';
