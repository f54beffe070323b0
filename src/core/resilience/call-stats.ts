import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { DomainError } from '@core/errors/domain-error';
import { isPlatformFault } from '@core/errors/platform-error';
import { BreakerKey, breakerId } from './breaker-key';

/** Upper bounds (ms) of the latency buckets; p95 is read as the bound its bucket reaches. */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];
export const WINDOW_MINUTES = 5;
const MINUTE_MS = 60_000;
/** How long the last success/failure of an idle account is kept (operators look back). */
const LAST_SEEN_TTL_MS = 7 * 24 * 60 * MINUTE_MS;

/** One hub over the window, every account and pod added up. */
export interface HubCallSummary extends Pick<
  CallWindow,
  'requests' | 'successes' | 'faults' | 'rejected' | 'errorRate' | 'p95Ms'
> {
  hub: string;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Failed calls by stable error code (a bounded set: codes, never messages). */
  failuresByCode: Record<string, number>;
}

export type CallOutcome = 'success' | 'fault' | 'rejected';

/** One provider account over the last WINDOW_MINUTES minutes. */
export interface CallWindow extends BreakerKey {
  requests: number;
  successes: number;
  /** Platform faults: timeouts, network, 5xx, 429 (what opens circuits). */
  faults: number;
  /** Permanent refusals (4xx, auth): the platform answered, the request was wrong. */
  rejected: number;
  /** (faults + rejected) / requests; 0 without requests. */
  errorRate: number;
  /** Upper bound of the bucket holding the 95th percentile, null without requests. */
  p95Ms: number | null;
  /** How the most recent call ended: health tells "failing now" from "failed earlier". */
  lastOutcome: CallOutcome | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Stable code of the last failure (never its message: that may carry personal data). */
  lastFailureCode: string | null;
}

/**
 * Rolling success, failure and latency per provider account, shared by every pod in Redis.
 * Memory stays bounded: one small hash per account and minute that expires after the window,
 * one "last seen" hash per account, and an index of active accounts trimmed by time. A call
 * costs one pipelined round trip that nobody awaits (bench/call-stats measures it); a Redis
 * failure loses a sample, never a send.
 */
@Injectable()
export class CallStats {
  private readonly logger = new Logger(CallStats.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  record(key: BreakerKey, outcome: CallOutcome, durationMs: number, error?: unknown): void {
    const now = Date.now();
    const id = breakerId(key);
    const bucket = this.bucketKey(id, Math.floor(now / MINUTE_MS));
    const last = this.lastKey(id);
    const at = new Date(now).toISOString();
    const pipeline = this.redis
      .pipeline()
      .hincrby(bucket, outcome, 1)
      .hincrby(bucket, `le:${latencyBucket(durationMs)}`, 1)
      .pexpire(bucket, (WINDOW_MINUTES + 1) * MINUTE_MS)
      .zadd(this.indexKey, now, id);
    if (outcome === 'success') {
      pipeline.hset(last, 'outcome', outcome, 'successAt', at);
    } else {
      const code = codeOf(error);
      pipeline
        .hincrby(bucket, `code:${code}`, 1)
        .hset(last, 'outcome', outcome, 'failureAt', at, 'failureCode', code);
    }
    pipeline
      .pexpire(last, LAST_SEEN_TTL_MS)
      .exec()
      .catch((failure: Error) => this.logger.debug(`Call sample lost: ${failure.message}`));
  }

  /** Every account that made a call in the window, with its numbers. */
  async windows(filter: (key: BreakerKey) => boolean = () => true): Promise<CallWindow[]> {
    const keys = (await this.activeKeys()).filter(filter);
    return Promise.all(keys.map((key) => this.window(key)));
  }

  /** Per hub over the window: the accounts' minute buckets added up (cluster-wide). */
  async hubs(filter: (key: BreakerKey) => boolean = () => true): Promise<HubCallSummary[]> {
    const keys = (await this.activeKeys()).filter(filter);
    const byHub = new Map<string, Record<string, string>[]>();
    const buckets = await Promise.all(keys.map((key) => this.buckets(key)));
    keys.forEach((key, index) => {
      byHub.set(key.hub, [...(byHub.get(key.hub) ?? []), ...buckets[index].minutes]);
    });
    return [...byHub.entries()].map(([hub, hashes]) => ({
      hub,
      ...summarise(hashes),
      p50Ms: percentile(hashes, 0.5),
      p99Ms: percentile(hashes, 0.99),
      failuresByCode: failureCodes(hashes),
    }));
  }

  async window(key: BreakerKey): Promise<CallWindow> {
    const { minutes, last } = await this.buckets(key);
    return { ...key, ...summarise(minutes), ...lastSeen(last) };
  }

  private async activeKeys(): Promise<BreakerKey[]> {
    const since = Date.now() - WINDOW_MINUTES * MINUTE_MS;
    await this.redis.zremrangebyscore(this.indexKey, '-inf', since);
    const ids = await this.redis.zrange(this.indexKey, 0, -1);
    return ids.map(parseId).filter((key): key is BreakerKey => !!key);
  }

  private async buckets(
    key: BreakerKey,
  ): Promise<{ minutes: Record<string, string>[]; last: Record<string, string> }> {
    const id = breakerId(key);
    const minute = Math.floor(Date.now() / MINUTE_MS);
    const pipeline = this.redis.pipeline();
    // The current minute is partial, so the window holds WINDOW_MINUTES full ones before it.
    for (let m = minute - WINDOW_MINUTES; m <= minute; m++) pipeline.hgetall(this.bucketKey(id, m));
    pipeline.hgetall(this.lastKey(id));
    const results = (await pipeline.exec()) ?? [];
    const minutes = results.map(([, value]) => (value ?? {}) as Record<string, string>);
    const last = minutes.pop() ?? {};
    return { minutes, last };
  }

  private get indexKey(): string {
    return `${this.config.redis.prefix}:calls:active`;
  }

  private bucketKey(id: string, minute: number): string {
    return `${this.config.redis.prefix}:calls:${id}:${minute}`;
  }

  private lastKey(id: string): string {
    return `${this.config.redis.prefix}:calls:${id}:last`;
  }
}

export function latencyBucket(durationMs: number): string {
  const bound = LATENCY_BOUNDS_MS.find((limit) => durationMs <= limit);
  return bound === undefined ? 'inf' : String(bound);
}

export function outcomeOfCall(error: unknown): CallOutcome {
  return isPlatformFault(error) ? 'fault' : 'rejected';
}

/** Adds minute buckets up; exported for unit tests. */
export function summarise(
  hashes: Record<string, string>[],
): Pick<CallWindow, 'requests' | 'successes' | 'faults' | 'rejected' | 'errorRate' | 'p95Ms'> {
  const sum = (field: string) => hashes.reduce((total, h) => total + Number(h[field] ?? 0), 0);
  const successes = sum('success');
  const faults = sum('fault');
  const rejected = sum('rejected');
  const requests = successes + faults + rejected;
  const errorRate = requests === 0 ? 0 : (faults + rejected) / requests;
  return { requests, successes, faults, rejected, errorRate, p95Ms: percentile(hashes, 0.95) };
}

/**
 * Upper bound of the latency bucket the quantile falls in (null without calls; calls slower
 * than the last bound read as that bound's double, so the number stays JSON-safe and large).
 */
export function percentile(hashes: Record<string, string>[], quantile: number): number | null {
  const sum = (field: string) => hashes.reduce((total, h) => total + Number(h[field] ?? 0), 0);
  const bounds = [...LATENCY_BOUNDS_MS.map(String), 'inf'];
  const total = bounds.reduce((count, bound) => count + sum(`le:${bound}`), 0);
  if (total === 0) return null;
  const target = Math.ceil(total * quantile);
  let seen = 0;
  for (const bound of bounds) {
    seen += sum(`le:${bound}`);
    if (seen >= target) return bound === 'inf' ? 2 * LATENCY_BOUNDS_MS.at(-1)! : Number(bound);
  }
  return null;
}

function failureCodes(hashes: Record<string, string>[]): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const hash of hashes) {
    for (const [field, value] of Object.entries(hash)) {
      if (field.startsWith('code:'))
        codes[field.slice(5)] = (codes[field.slice(5)] ?? 0) + Number(value);
    }
  }
  return codes;
}

function lastSeen(
  last: Record<string, string>,
): Pick<CallWindow, 'lastOutcome' | 'lastSuccessAt' | 'lastFailureAt' | 'lastFailureCode'> {
  const outcome = last.outcome as CallOutcome | undefined;
  return {
    lastOutcome: outcome ?? null,
    lastSuccessAt: last.successAt ?? null,
    lastFailureAt: last.failureAt ?? null,
    lastFailureCode: last.failureCode ?? null,
  };
}

function codeOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

function parseId(id: string): BreakerKey | undefined {
  try {
    const [hub, provider, account] = JSON.parse(id) as unknown[];
    if (typeof hub !== 'string' || typeof provider !== 'string' || typeof account !== 'string') {
      return undefined;
    }
    return { hub, provider, account };
  } catch {
    return undefined;
  }
}
