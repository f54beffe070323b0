// Global teardown runs outside Jest's module registry, so aliases need tsconfig-paths here.
import 'tsconfig-paths/register';
import Redis from 'ioredis';
import { dropDatabase } from '@core/database/prepare-database';

/** Drops this run's database and Redis keys (set KEEP_TEST_DATABASE=1 to inspect them). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DATABASE === '1') return;
  const { DATABASE_URL, REDIS_URL, QUEUE_PREFIX } = process.env;
  if (DATABASE_URL) await dropDatabase(DATABASE_URL);
  if (REDIS_URL && QUEUE_PREFIX) await deleteKeys(REDIS_URL, `${QUEUE_PREFIX}*`);
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        pattern.replace(/[{}[\]]/g, '\\$&'),
        'COUNT',
        1000,
      );
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
