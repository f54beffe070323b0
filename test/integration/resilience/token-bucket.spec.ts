import { performance } from 'node:perf_hooks';
import { TestingModule } from '@nestjs/testing';
import type Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';
import { TokenBucket } from '@core/resilience/token-bucket';
import { resilienceContext } from './resilience-context';

let buckets = 0;
const uniqueBucket = () => `test:${process.pid}:${Date.now()}:${(buckets += 1)}`;

describe('TokenBucket', () => {
  let moduleRef: TestingModule;
  let bucket: TokenBucket;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    moduleRef = await resilienceContext();
    bucket = moduleRef.get(TokenBucket);
    redis = moduleRef.get(REDIS);
    prefix = moduleRef.get(AppConfig).redis.prefix;
  });

  afterAll(async () => {
    await moduleRef.close();
  });

  it('never grants more than burst + rate × elapsed under 1,000 concurrent takes', async () => {
    const rate = { ratePerSecond: 100, burst: 100 };
    const key = uniqueBucket();
    const started = performance.now();
    const decisions = await Promise.all(
      Array.from({ length: 1_000 }, () => bucket.take(key, rate)),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;

    const granted = decisions.filter((d) => d.allowed).length;
    const bound = rate.burst + rate.ratePerSecond * elapsedSeconds;
    console.log(
      `token bucket: ${granted} of 1000 concurrent takes granted in ${(elapsedSeconds * 1000).toFixed(1)} ms ` +
        `(bound ${bound.toFixed(1)})`,
    );
    expect(granted).toBeGreaterThanOrEqual(rate.burst);
    expect(granted).toBeLessThanOrEqual(bound);
    for (const denied of decisions.filter((d) => !d.allowed)) {
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(10);
    }
  });

  it('refuses once the burst is spent and says when the next token comes', async () => {
    const key = uniqueBucket();
    const rate = { ratePerSecond: 0.5, burst: 2 };
    expect(await bucket.take(key, rate)).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(await bucket.take(key, rate)).toEqual({ allowed: true, retryAfterMs: 0 });
    const refused = await bucket.take(key, rate);
    expect(refused.allowed).toBe(false);
    // One token every 2 s at 0.5/s; part of one may already have refilled.
    expect(refused.retryAfterMs).toBeGreaterThan(1_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2_000);
  });

  it('keeps one bucket per key', async () => {
    const rate = { ratePerSecond: 0.1, burst: 1 };
    const first = uniqueBucket();
    const second = uniqueBucket();
    expect((await bucket.take(first, rate)).allowed).toBe(true);
    expect((await bucket.take(first, rate)).allowed).toBe(false);
    expect((await bucket.take(second, rate)).allowed).toBe(true);
  });

  it('stores buckets under the configured prefix with an expiry, so idle ones vanish', async () => {
    const key = uniqueBucket();
    await bucket.take(key, { ratePerSecond: 10, burst: 5 });
    const redisKey = `${prefix}:pace:${key}`;
    expect(await redis.exists(redisKey)).toBe(1);
    const ttl = await redis.pttl(redisKey);
    // One token short of full: refilled in 100 ms, plus a 1 s margin.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });

  it('shares a bucket between instances with their own connections', async () => {
    const other = await resilienceContext();
    try {
      const key = uniqueBucket();
      const rate = { ratePerSecond: 0.1, burst: 1 };
      expect((await bucket.take(key, rate)).allowed).toBe(true);
      expect((await other.get(TokenBucket).take(key, rate)).allowed).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('rejects a pace that could never grant a token', async () => {
    await expect(bucket.take(uniqueBucket(), { ratePerSecond: 0, burst: 1 })).rejects.toThrow(
      RangeError,
    );
    await expect(bucket.take(uniqueBucket(), { ratePerSecond: 1, burst: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
