/**
 * The environment every suite starts from. Global setup fills in the per-run database and
 * Redis prefix; suites override single variables through `createTestApp({ ... })`.
 */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdefghijklmnop';
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789abcdefghijklmnop';
/** Two keys, newest first, so rotation paths are exercised. */
export const TEST_SECRETS_KEYS =
  'test2:' +
  Buffer.alloc(32, 2).toString('base64') +
  ',test1:' +
  Buffer.alloc(32, 1).toString('base64');

export const BASE_TEST_ENV: Record<string, string> = {
  APP_ROLE: 'api',
  ADMIN_API_KEY: TEST_ADMIN_KEY,
  JWT_SECRET: TEST_JWT_SECRET,
  SECRETS_KEYS: TEST_SECRETS_KEYS,
  METRICS_TOKEN: TEST_METRICS_TOKEN,
  // Every suite of a run calls from 127.0.0.1 under one Redis prefix: their 401s must not add
  // up to a lockout. failed-auth-throttling.e2e-spec.ts tests the limit with its own value.
  AUTH_FAILURE_LIMIT: '200',
  // Suites read /api/docs-json (the resilience scenarios walk its routes); off by default.
  SWAGGER_ENABLED: 'true',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  SHUTDOWN_TIMEOUT_MS: '5000',
  // The Bitrix24 fake listens on http://127.0.0.1: an on-premise portal as far as Omnihub knows.
  BITRIX_PORTAL_URL_ALLOWLIST: '127.0.0.1',
};
