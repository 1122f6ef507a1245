/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking happens once in `tsc --noEmit` (npm test); per-file checking doubles the run time.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'],
  setupFiles: ['<rootDir>/test/support/setup-env.js'],
  // Prebuilt handler assets (scripts/build-handlers.ts), rebuilt when lambda/ changed.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // The consumer test packs and installs the package (minutes): `npm run test:consumer`, run by .ci/run.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/'],
  testTimeout: 30000,
  // Two cores here: jest's default (cores - 1) would run every suite in one worker.
  maxWorkers: 2,
};
