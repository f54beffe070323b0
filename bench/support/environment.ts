import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { withDatabase } from '@core/database/postgres-options';
import {
  copyDatabase,
  dropDatabase,
  ensureDatabase,
  runMigrations,
} from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';
import { ROOT } from '@test/support/server-process';

/** Where processes under test keep their data: a database and a Redis prefix. */
export interface BenchStorage {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** One connection to the bench database, for checking what a run stored. */
  db: Pool;
}

/** A database and a Redis prefix of the bench's own, removed again by `dispose`. */
export interface BenchEnvironment extends BenchStorage {
  /**
   * The copy of the migrated database made for `name` (prepareBenchEnvironment's `copies`),
   * with the same Redis prefix: processes side by side that must not see each other's rows.
   */
  copy(name: string): BenchStorage;
  dispose(): Promise<void>;
}

/** The app's default DATABASE_POOL_SIZE, given to both servers so neither has more connections. */
export const BENCH_DATABASE_POOL_SIZE = 10;

/**
 * A migrated database and a Redis prefix for one bench run; `copies` names the copies of the
 * database to make as well (CREATE DATABASE … TEMPLATE, once migrated: no migrations again).
 */
export async function prepareBenchEnvironment(
  copies: readonly string[] = [],
): Promise<BenchEnvironment> {
  const preflight = spawnSync(process.execPath, [join(ROOT, 'scripts/check-services.js')], {
    stdio: 'inherit',
  });
  if (preflight.status !== 0) throw new Error('PostgreSQL or Redis is not reachable (see above)');

  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = withDatabase(serverUrl, `omnihub_bench_${runId}`);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `{omnihub-bench-${runId}}`;

  await ensureDatabase(databaseUrl);
  await runMigrations(dataSourceOptions({ url: databaseUrl, poolSize: 2, ssl: false }));
  const copyUrls = new Map(
    copies.map((name) => [name, withDatabase(serverUrl, `omnihub_bench_${runId}_${name}`)]),
  );
  // Before anything connects to the migrated database: a template must have no sessions.
  await copyDatabase(databaseUrl, [...copyUrls.values()]);
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const copyStorage = new Map(
    [...copyUrls].map(([name, url]) => [
      name,
      { databaseUrl: url, redisUrl, queuePrefix, db: new Pool({ connectionString: url, max: 2 }) },
    ]),
  );

  return {
    databaseUrl,
    redisUrl,
    queuePrefix,
    db: pool,
    copy(name) {
      const storage = copyStorage.get(name);
      if (!storage) throw new Error(`no copy of the bench database was made for ${name}`);
      return storage;
    },
    async dispose() {
      await pool.end();
      await dropDatabase(databaseUrl);
      for (const storage of copyStorage.values()) {
        await storage.db.end();
        await dropDatabase(storage.databaseUrl);
      }
      await deleteKeys(redisUrl, queuePrefix);
    },
  };
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    // The prefix contains braces, which MATCH treats literally; escape glob metacharacters.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
