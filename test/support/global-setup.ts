// Global setup runs outside Jest's module registry, so aliases need tsconfig-paths here.
import 'tsconfig-paths/register';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '@config/load-config';
import { withDatabase } from '@core/database/postgres-options';
import { ensureDatabase, runMigrations } from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';
import { BASE_TEST_ENV } from './test-env';

/**
 * Runs once per `jest` run: checks PostgreSQL and Redis are up (failing with how to start
 * them), then creates and migrates a database of its own, so runs never see each other's
 * data. Worker processes inherit the variables set here.
 */
export default async function globalSetup(): Promise<void> {
  const preflight = spawnSync(process.execPath, ['scripts/check-services.js'], {
    stdio: 'inherit',
  });
  if (preflight.status !== 0) throw new Error('PostgreSQL or Redis is not reachable (see above)');

  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const serverUrl =
    process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  Object.assign(process.env, BASE_TEST_ENV, {
    OMNIHUB_TEST_RUN: runId,
    DATABASE_URL: withDatabase(serverUrl, `omnihub_test_${runId}`),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `{omnihub-test-${runId}}`,
  });

  const { database } = loadConfig(process.env);
  await ensureDatabase(database.url);
  await runMigrations(dataSourceOptions(database));
}
