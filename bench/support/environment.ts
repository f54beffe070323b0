import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { withDatabase } from '@core/database/postgres-options';
import { dropDatabase, ensureDatabase, runMigrations } from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';
import { ROOT } from '@test/support/server-process';

/** A database and a Redis prefix of the bench's own, removed again by `dispose`. */
export interface BenchEnvironment {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** One connection to the bench database, for checking what a run stored. */
  db: Pool;
  dispose(): Promise<void>;
}

/** The app's default DATABASE_POOL_SIZE, given to both servers so neither has more connections. */
export const BENCH_DATABASE_POOL_SIZE = 10;

export async function prepareBenchEnvironment(): Promise<BenchEnvironment> {
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
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });

  return {
    databaseUrl,
    redisUrl,
    queuePrefix,
    db: pool,
    async dispose() {
      await pool.end();
      await dropDatabase(databaseUrl);
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
