import { AppConfig } from '@config/app-config';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type Redis from 'ioredis';
import type { Counter, Histogram } from 'prom-client';
import { HUB_REQUESTS_TOTAL, HUB_REQUEST_DURATION } from '@core/http/hub-metrics';
import { REDIS } from '@core/redis/redis.module';
import { HubCallStats, emptyStats } from './hub-call-stats';

const MINUTE_MS = 60_000;
/** Minute buckets outlive the longest window read from them. */
const BUCKET_TTL_MS = 15 * MINUTE_MS;
const PUBLISH_EVERY_MS = 10_000;
/** Our own calls to receivers (alert channels, tenants' webhook URLs) are not a hub's health. */
const NOT_HUBS = new Set(['alerts', 'tenant-webhooks']);

type Field = ['c', string, string] | ['b', string, string];

/**
 * The cluster's view of hub calls for the threshold alerts. prom-client's counters are per pod
 * (Prometheus sums them; Omnihub cannot ask Prometheus), so every PUBLISH_EVERY_MS each pod
 * adds what its hub_requests_total and hub_request_duration_seconds grew by since last time
 * into a Redis hash per minute; reading the last minutes' hashes gives every pod's calls.
 * A pod that dies loses at most its last 10 s of counts.
 */
@Injectable()
export class HubCallWindows implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HubCallWindows.name);
  private readonly previous = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectMetric(HUB_REQUESTS_TOTAL) private readonly requests: Counter<string>,
    @InjectMetric(HUB_REQUEST_DURATION) private readonly durations: Histogram<string>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.publishSafely(), PUBLISH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.publishSafely();
  }

  /** Adds this pod's growth since the last call to the current minute's hash. */
  async publish(now = Date.now()): Promise<void> {
    const growth = new Map<string, number>();
    const seen = new Map<string, number>();
    const add = (field: Field, series: string, value: number) => {
      if (NOT_HUBS.has(field[1])) return;
      seen.set(series, value);
      const before = this.previous.get(series) ?? 0;
      // A series that went down was reset (a restart of the registry): it counts from zero.
      const delta = value >= before ? value - before : value;
      const name = JSON.stringify(field);
      if (delta > 0) growth.set(name, (growth.get(name) ?? 0) + delta);
    };
    for (const { labels, value } of (await this.requests.get()).values) {
      const field: Field = ['c', String(labels.hub), String(labels.outcome)];
      add(field, JSON.stringify(['c', labels.hub, labels.operation, labels.outcome]), value);
    }
    for (const { labels, value, metricName } of (await this.durations.get()).values) {
      if (!metricName?.endsWith('_bucket')) continue;
      const field: Field = ['b', String(labels.hub), String(labels.le)];
      const series = ['b', labels.hub, labels.operation, labels.outcome, labels.le];
      add(field, JSON.stringify(series), value);
    }
    if (growth.size) {
      const key = this.key(Math.floor(now / MINUTE_MS));
      const batch = this.redis.multi();
      for (const [field, delta] of growth) batch.hincrby(key, field, delta);
      await batch.pexpire(key, BUCKET_TTL_MS).exec();
    }
    // Only once stored: a failed publish leaves the growth for the next one.
    for (const [series, value] of seen) this.previous.set(series, value);
  }

  /** Every hub's calls in the last `windowMs`, across pods (whole minutes, the current included). */
  async read(windowMs: number, now = Date.now()): Promise<Map<string, HubCallStats>> {
    const last = Math.floor(now / MINUTE_MS);
    const minutes = Math.max(1, Math.ceil(windowMs / MINUTE_MS));
    const stats = new Map<string, HubCallStats>();
    for (let minute = last - minutes + 1; minute <= last; minute += 1) {
      const hash = await this.redis.hgetall(this.key(minute));
      for (const [raw, count] of Object.entries(hash)) {
        const [kind, hub, label] = JSON.parse(raw) as Field;
        const hubStats = stats.get(hub) ?? emptyStats();
        stats.set(hub, hubStats);
        const n = Number(count);
        if (kind === 'b') {
          const le = label === '+Inf' ? Infinity : Number(label);
          hubStats.buckets.set(le, (hubStats.buckets.get(le) ?? 0) + n);
          continue;
        }
        hubStats.calls += n;
        if (label === 'success') hubStats.successes += n;
        if (label === 'retryable_error') hubStats.platformFaults += n;
      }
    }
    return stats;
  }

  private async publishSafely(): Promise<void> {
    try {
      await this.publish();
    } catch (error) {
      this.logger.warn({ err: error }, 'Hub call counts not published; the next run adds them');
    }
  }

  private key(minute: number): string {
    return `${this.config.redis.prefix}:alerts:hub-calls:${minute}`;
  }
}
