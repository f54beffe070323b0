// Three tiers (STYLE.md "Tests in tiers"): unit specs beside the source, integration suites
// against real PostgreSQL/Redis, and e2e suites through HTTP. Global setup creates and migrates
// a fresh database for this run and drops it afterwards.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  '^@config/(.*)$': '<rootDir>/src/config/$1',
  '^@core/(.*)$': '<rootDir>/src/core/$1',
  '^@tenants/(.*)$': '<rootDir>/src/tenants/$1',
  '^@app/(.*)$': '<rootDir>/src/$1',
  '^@migrations/(.*)$': '<rootDir>/migrations/$1',
  '^@test/(.*)$': '<rootDir>/test/$1',
};

// A few dependencies ship ESM only; Node 20 loads them natively, Jest's CJS runtime needs them
// compiled. Grow this list when a suite fails with "Must use import to load ES Module".
const ESM_DEPENDENCIES = ['content-disposition'];

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_DEPENDENCIES.join('|')})/)`],
  moduleNameMapper,
  setupFiles: ['reflect-metadata'],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    project('unit', ['<rootDir>/src/**/*.spec.ts']),
    project('integration', ['<rootDir>/test/integration/**/*.spec.ts']),
    project('e2e', ['<rootDir>/test/e2e/**/*.e2e-spec.ts']),
    // Fault injection (issue 6): real traffic, a fault, then counts. Run on their own and in
    // band (`npm run test:resilience`) because they stop services and kill processes. Jest
    // reads testTimeout from the root config only: the script passes --testTimeout instead.
    project('resilience', ['<rootDir>/test/resilience/**/*.resilience-spec.ts']),
  ],
  // Generous: a suite's hooks boot the whole app (every module) and its fakes; on two shared
  // cores that has taken over 30 s. Tests assert behaviour, never time, so a long limit costs
  // nothing but the wait before a hung test is reported.
  testTimeout: 60_000,
  // On two cores Jest would run every file in its own process, in band, and the apps each
  // suite boots leave memory behind: the integration and e2e files together outgrew a 4 GB
  // heap (CI died of it). A memory limit makes Jest use a worker (still one at a time there)
  // and start a fresh one once a file has left it above the limit.
  workerIdleMemoryLimit: '1536MB',
};
