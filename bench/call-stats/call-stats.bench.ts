import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '@config/app-config';
import { CallStats } from '@core/resilience/call-stats';
import { PlatformError } from '@core/errors/platform-error';
import { numberFromEnv, percentile, printTargets, round2, writeResults } from '../support/report';

/**
 * What CallStats costs on the platform-call path (every CircuitBreakerRegistry.execute records
 * one sample): the cost of `record` (in-memory counting), how long one flush of a burst takes
 * (what a pod sends Redis each second), and the Redis memory per active account. Needs REDIS_URL
 * (default local). `npm run bench -- call-stats`.
 */
export async function runCallStatsBenchmark(): Promise<void> {
  const calls = numberFromEnv('BENCH_CALL_STATS_CALLS', 20_000);
  const accounts = numberFromEnv('BENCH_CALL_STATS_ACCOUNTS', 500);
  const prefix = `{bench-calls-${randomUUID().slice(0, 8)}}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const stats = new CallStats(redis, { redis: { prefix } } as AppConfig);
  const failure = new PlatformError('whatsapp', 'send_message', 'server', 'bench', { status: 502 });
  const key = (i: number) => ({
    hub: 'whatsapp',
    provider: 'meta-cloud',
    account: `acc-${i % accounts}`,
  });
  try {
    const before = await usedMemory(redis);
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      if (i % 10 === 0) stats.record(key(i), 'fault', 120, failure);
      else stats.record(key(i), 'success', 80);
      samples.push((performance.now() - t0) * 1000);
    }
    const issuedMs = performance.now() - started;
    await stats.flush();
    const absorbedMs = performance.now() - started;
    const bytesPerAccount = ((await usedMemory(redis)) - before) / accounts;
    const readStarted = performance.now();
    await stats.window(key(0));
    const windowReadMs = performance.now() - readStarted;

    const report = {
      calls,
      accounts,
      recordMicros: { p50: round2(percentile(samples, 50)), p99: round2(percentile(samples, 99)) },
      burstIssuedMs: round2(issuedMs),
      burstFlushedToRedisMs: round2(absorbedMs),
      redisBytesPerActiveAccount: Math.round(bytesPerAccount),
      oneAccountWindowReadMs: round2(windowReadMs),
    };
    console.log(report);
    printTargets([
      {
        target: 'record() p99 under 50 µs on the call path',
        measured: `${report.recordMicros.p99} µs`,
        met: report.recordMicros.p99 < 50,
      },
      {
        target: 'under 4 KiB of Redis per active account',
        measured: `${report.redisBytesPerActiveAccount} B`,
        met: report.redisBytesPerActiveAccount < 4096,
      },
    ]);
    console.log(`results: ${writeResults('call-stats', report)}`);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
