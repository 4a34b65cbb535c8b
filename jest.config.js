/**
 * Three Jest projects, all ESM (NestJS 12 is ESM-only):
 *  - unit:  specs next to the code (src/**\/*.spec.ts), no database
 *  - e2e:   test/**\/*.e2e-spec.ts, the real AppModule over HTTP against real PostgreSQL
 *  - admin: test/admin/**\/*.admin-spec.ts, the operator's-day integration suite
 * The e2e and admin projects share one global setup: the PostgreSQL server on
 * 127.0.0.1:5432 when one answers (or TEST_DATABASE_URL), the embedded one otherwise.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
};

const database = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  slowTestThreshold: 30,
};

export default {
  testTimeout: 60_000,
  // Three workers on the 2-core machines this runs on: the suites wait on PostgreSQL, child processes and
  // sockets a good part of their time, so a third file keeps both cores busy (docs/testing.md has the figures).
  maxWorkers: 3,
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...shared, ...database, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'] },
    { ...shared, ...database, displayName: 'admin', roots: ['<rootDir>/test'], testMatch: ['**/*.admin-spec.ts'] },
  ],
};
