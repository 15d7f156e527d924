// ESM + ts-jest (jest needs --experimental-vm-modules on Node 20 for ESM, which the npm scripts
// pass). Type checking is `npm run typecheck`; ts-jest only
// transpiles, which keeps the suite fast.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // the tsconfig path core-lite.ts uses past @actions/core's exports map
    '^#actions-core/(.*)$': '<rootDir>/node_modules/@actions/core/lib/$1'
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/actions/.*/dist/'],
  testTimeout: 60000,
  maxWorkers: 2
}
