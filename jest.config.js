// ESM + ts-jest: jest needs --experimental-vm-modules on Node 20, which the npm scripts pass.
// Type checking is `npm run typecheck`; ts-jest only transpiles (isolatedModules), which keeps the
// suite fast. The suite must hold on a busy two-core machine, even beside a second copy of itself:
// see the budgets below and test/kit/cleanup.ts.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // the tsconfig path core-lite.ts uses past @actions/core's exports map
    '^#actions-core/(.*)$': '<rootDir>/node_modules/@actions/core/lib/$1'
  },
  transform: {
    // tsconfig.base.json turns source maps off (nothing we ship needs them); without them a
    // failure is reported at the wrong line of the test.
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false, tsconfig: { sourceMap: true } }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/actions/.*/dist/'],
  // Stops what a test started (bundle processes, emulators) when it ends, timed out or not.
  setupFilesAfterEnv: ['<rootDir>/test/kit/cleanup.ts'],
  // A test that runs no bundle takes at most a few seconds on an idle machine. Suites that run
  // action bundles raise their own budget to BUNDLE_TEST_TIMEOUT_MS (test/kit/budgets.ts).
  testTimeout: 60_000,
  maxWorkers: 2
}
