/**
 * `npm run test:consumer`: packs this package, installs the tarball into a fresh CDK TypeScript app, compiles and
 * synthesizes it, and runs the installed CLI. Minutes, not seconds (npm pack builds, npm install, tsc), so it is
 * kept out of `npm test` and run by .ci/run right after it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/consumer'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 20 * 60 * 1000,
  maxWorkers: 1,
};
