import autocannon from 'autocannon';
import type { EventEmitter } from 'node:events';
import { percentile, round1, round2 } from '../support/report';
import type { RunningServer } from '@test/support/server-process';
import type { MeasuredRoute, RouteName } from './routes';

/**
 * `latency`: few connections (one by default), each sending its next request when the previous
 * one is answered, so requests seldom wait for each other and p99 is the read's own cost: the
 * figure the target is judged on. (autocannon's overallRate sends each second's quota in one
 * burst, whose queueing would swamp a read of a few milliseconds.)
 * `saturation`: more connections sending as fast as answers come, for req/s.
 */
export type Mode = 'latency' | 'saturation';

export interface LoadConfig {
  latencyConnections: number;
  saturationConnections: number;
  durationS: number;
  saturationDurationS: number;
  warmupS: number;
}

/** `growing` is grown step by step; `reference` stays at the smallest size as a same-time baseline. */
export type DatabaseRole = 'growing' | 'reference';

export interface RunRecord {
  /** Stored messages in the growing database when this was measured. */
  step: number;
  database: DatabaseRole;
  /** Stored messages in the database this run read from. */
  size: number;
  route: RouteName;
  mode: Mode;
  round: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  non2xx: number;
  errors: number;
}

/**
 * One measurement of one route: a warm-up whose numbers are discarded, then the measured run.
 * Latencies are taken per response with sub-millisecond precision (autocannon's own histogram
 * keeps whole milliseconds, too coarse for reads that take a few).
 */
export async function measure(
  server: RunningServer,
  headers: Record<string, string>,
  route: MeasuredRoute,
  mode: Mode,
  config: LoadConfig,
  context: { step: number; database: DatabaseRole; size: number; round: number },
): Promise<RunRecord> {
  const run = async (durationS: number) => {
    const latencies: number[] = [];
    const instance = autocannon({
      url: server.url,
      duration: durationS,
      connections: mode === 'latency' ? config.latencyConnections : config.saturationConnections,
      requests: [{ method: 'GET', path: route.path, headers }],
    }) as PromiseLike<autocannon.Result> & EventEmitter;
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    return { result: await instance, latencies };
  };
  await run(config.warmupS);
  const { result, latencies } = await run(
    mode === 'latency' ? config.durationS : config.saturationDurationS,
  );
  return {
    ...context,
    route: route.name,
    mode,
    reqPerSec: round1(latencies.length / (result.duration || 1)),
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(percentile(latencies, 99)),
    maxMs: round2(latencies.reduce((max, ms) => Math.max(max, ms), 0)),
    samples: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
