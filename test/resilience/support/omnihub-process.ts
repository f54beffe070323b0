import { RunningServer, startServer } from '@test/support/server-process';

/** What every Omnihub process of this test run shares: database, Redis, keys (global setup). */
const SHARED_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'ADMIN_API_KEY',
  'JWT_SECRET',
  'SECRETS_KEYS',
  'LOG_LEVEL',
] as const;

/**
 * Runs src/main.ts as a process of its own in `role`, on this test run's database and Redis,
 * so a test can crash it (SIGKILL) the way a pod dies. `env` adds or overrides variables;
 * give the QUEUE_PREFIX of the in-process app it works with. `entry` is another start file
 * (a test's own, adding a test module to the app).
 */
export function startOmnihubProcess(
  name: string,
  role: 'api' | 'worker' | 'all',
  env: Record<string, string>,
  entry = 'src/main.ts',
): Promise<RunningServer> {
  const shared = Object.fromEntries(
    SHARED_VARIABLES.filter((key) => process.env[key] !== undefined).map((key) => [
      key,
      process.env[key]!,
    ]),
  );
  return startServer(name, entry, {
    ...shared,
    HOST: '127.0.0.1',
    SWAGGER_ENABLED: 'false',
    APP_ROLE: role,
    ...env,
  });
}
