/**
 * The environment every suite starts from. Global setup fills in the per-run database and
 * Redis prefix; suites override single variables through `createTestApp({ ... })`.
 */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdefghijklmnop';

export const BASE_TEST_ENV: Record<string, string> = {
  APP_ROLE: 'api',
  ADMIN_API_KEY: TEST_ADMIN_KEY,
  JWT_SECRET: TEST_JWT_SECRET,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  SHUTDOWN_TIMEOUT_MS: '5000',
};
