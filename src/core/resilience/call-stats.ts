import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { DomainError } from '@core/errors/domain-error';
import { isPlatformFault } from '@core/errors/platform-error';
import { BreakerKey, breakerId } from './breaker-key';

/** Upper bounds (ms) of the latency buckets; p95 is read as the bound its bucket reaches. */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];
export const WINDOW_MINUTES = 5;
const MINUTE_MS = 60_000;
/** How often a pod sends its counted calls to Redis (and so how far other pods' views lag). */
export const FLUSH_INTERVAL_MS = 1_000;
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
 * only counts in memory; each pod sends its counts to Redis once a second in one pipeline, so
 * Redis sees one write per active account and second, not several per call. `npm run bench --
 * call-stats`: a pipeline per call cost ~400 µs a call in a burst; counting in memory costs
 * ~2 µs at the median, and an active account ~0.6 KiB of Redis.
 */
@Injectable()
export class CallStats implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CallStats.name);
  /** Bucket key → field → increment, since the last flush. */
  private counts = new Map<string, Map<string, number>>();
  /** "Last seen" key → fields to set, since the last flush (later calls overwrite). */
  private lastSeen = new Map<string, Record<string, string>>();
  /** Breaker id → time of its latest call, since the last flush. */
  private active = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Counts one call in memory (a few Map updates); `flush` takes it to Redis. */
  record(key: BreakerKey, outcome: CallOutcome, durationMs: number, error?: unknown): void {
    const now = Date.now();
    const id = breakerId(key);
    const bucket = this.bucketKey(id, Math.floor(now / MINUTE_MS));
    let fields = this.counts.get(bucket);
    if (!fields) this.counts.set(bucket, (fields = new Map<string, number>()));
    const add = (field: string) => fields.set(field, (fields.get(field) ?? 0) + 1);
    add(outcome);
    add(`le:${latencyBucket(durationMs)}`);
    const last = this.lastKey(id);
    const seen = this.lastSeen.get(last) ?? {};
    const at = new Date(now).toISOString();
    if (outcome === 'success') {
      Object.assign(seen, { outcome, successAt: at });
    } else {
      const code = codeOf(error);
      add(`code:${code}`);
      Object.assign(seen, { outcome, failureAt: at, failureCode: code });
    }
    this.lastSeen.set(last, seen);
    this.active.set(id, now);
  }

  /**
   * Sends what this pod counted since the last flush in one pipeline. Runs every second and
   * before this pod reads, so its own calls are always in its answers; other pods' lag by at
   * most FLUSH_INTERVAL_MS. A Redis failure drops that second's samples (logged), never a call.
   */
  async flush(): Promise<void> {
    if (this.active.size === 0) return;
    const [counts, lastSeen, active] = [this.counts, this.lastSeen, this.active];
    this.counts = new Map();
    this.lastSeen = new Map();
    this.active = new Map();
    const pipeline = this.redis.pipeline();
    for (const [bucket, fields] of counts) {
      for (const [field, increment] of fields) pipeline.hincrby(bucket, field, increment);
      pipeline.pexpire(bucket, (WINDOW_MINUTES + 1) * MINUTE_MS);
    }
    for (const [key, fields] of lastSeen) {
      pipeline.hset(key, fields).pexpire(key, LAST_SEEN_TTL_MS);
    }
    for (const [id, at] of active) pipeline.zadd(this.indexKey, at, id);
    try {
      await pipeline.exec();
    } catch (failure) {
      this.logger.warn(`Call samples of the last second lost: ${(failure as Error).message}`);
    }
  }

  /** Every account that made a call in the window, with its numbers. */
  async windows(filter: (key: BreakerKey) => boolean = () => true): Promise<CallWindow[]> {
    await this.flush();
    const keys = (await this.activeKeys()).filter(filter);
    return Promise.all(keys.map((key) => this.window(key)));
  }

  /** Per hub over the window: the accounts' minute buckets added up (cluster-wide). */
  async hubs(filter: (key: BreakerKey) => boolean = () => true): Promise<HubCallSummary[]> {
    await this.flush();
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
    await this.flush();
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
