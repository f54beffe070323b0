import Redis from 'ioredis';
import { RedisThrottlerStorage } from '@core/throttling/redis-throttler.storage';
import { testConfig } from '@test/support/test-app';

let buckets = 0;
const uniqueKey = () => `test:throttle:${process.pid}:${Date.now()}:${(buckets += 1)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API rate limit's counters against the real Redis: a window, its limit, the block after it. */
describe('RedisThrottlerStorage', () => {
  let redis: Redis;
  let storage: RedisThrottlerStorage;

  beforeAll(() => {
    redis = new Redis(testConfig().redis.url);
    storage = new RedisThrottlerStorage(redis);
  });

  afterAll(() => redis.quit());

  it('counts hits in a window and blocks the hit past the limit, for the block duration', async () => {
    const key = uniqueKey();
    const hits = [];
    for (let i = 0; i < 4; i += 1)
      hits.push(await storage.increment(key, 60_000, 3, 30_000, 'default'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[0].timeToExpire).toBe(60);
    expect(hits[3].timeToBlockExpire).toBe(30);
    // still blocked while the block lasts, whatever the count
    expect(await storage.increment(key, 60_000, 3, 30_000, 'default')).toMatchObject({
      isBlocked: true,
    });
  });

  it('lets hits through again once the window and the block have both ended', async () => {
    const key = uniqueKey();
    for (let i = 0; i < 2; i += 1) await storage.increment(key, 200, 1, 150, 'default');
    await sleep(300);
    expect(await storage.increment(key, 200, 1, 150, 'default')).toEqual({
      totalHits: 1,
      timeToExpire: 1,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('keeps separate budgets per key and per throttler name', async () => {
    const key = uniqueKey();
    await storage.increment(key, 60_000, 1, 30_000, 'default');
    expect((await storage.increment(key, 60_000, 1, 30_000, 'default')).isBlocked).toBe(true);
    expect((await storage.increment(key, 60_000, 1, 30_000, 'webhooks')).isBlocked).toBe(false);
    expect((await storage.increment(uniqueKey(), 60_000, 1, 30_000, 'default')).isBlocked).toBe(
      false,
    );
  });

  it('answers from the script by digest after Redis lost its scripts (SCRIPT FLUSH)', async () => {
    const key = uniqueKey();
    await storage.increment(key, 60_000, 5, 30_000, 'default');
    await redis.script('FLUSH');
    expect((await storage.increment(key, 60_000, 5, 30_000, 'default')).totalHits).toBe(2);
  });
});
