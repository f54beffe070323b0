import { AppConfig } from '@config/app-config';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { createRedis, REDIS } from '@core/redis/redis.module';
import { LogEntry, TenantEventLog, toEntry } from './tenant-event-log';

type EntriesHandler = (tenantId: string, entries: LogEntry[]) => void;

/** Entries per tenant per read; a tenant with more is read again at once. */
const READ_COUNT = 500;
/**
 * A blocked read is interrupted (CLIENT UNBLOCK) when a tenant is added; the block timeout
 * only bounds the rare case where that lands before the read is sent.
 */
const BLOCK_MS = 2_000;
const MAX_ERROR_PAUSE_MS = 5_000;

/**
 * The pod's one blocking reader of the tenant streams its clients watch: a single XREAD
 * BLOCK over all of them, on a connection of its own (a blocked connection can serve nothing
 * else, so the shared command connection stays free). One connection per pod, whatever the
 * number of tenants, instead of one per tenant; each entry is read once per pod and fanned
 * out to every local client of its tenant.
 */
@Injectable()
export class LiveEventsReader implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(LiveEventsReader.name);
  private readonly cursors = new Map<string, string>();
  private connection?: Redis;
  private connectionId?: number;
  private handler?: EntriesHandler;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly log: TenantEventLog,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  deliverTo(handler: EntriesHandler): void {
    this.handler = handler;
  }

  /**
   * Starts reading a tenant's stream after `fromId` (its first client's starting point, so
   * nothing between that client's start and this read is missed); a tenant already read
   * keeps its place.
   */
  watch(tenantId: string, fromId: string): void {
    if (this.cursors.has(tenantId)) return;
    this.cursors.set(tenantId, fromId);
    if (!this.running) this.start();
    this.wake?.();
    if (this.connectionId !== undefined) {
      this.redis.client('UNBLOCK', this.connectionId).catch(() => undefined);
    }
  }

  unwatch(tenantId: string): void {
    this.cursors.delete(tenantId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    // A blocked connection is neither read nor closed by Redis until its read ends: unblock
    // it, so the loop ends at once and the connection quits cleanly.
    if (this.connectionId !== undefined) {
      await this.redis.client('UNBLOCK', this.connectionId).catch(() => undefined);
    }
    await this.loop;
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  onApplicationShutdown(): void {
    if (this.connection?.status !== 'end') this.connection?.disconnect();
  }

  private start(): void {
    this.running = true;
    this.connection = createRedis(this.config.redis.url, 'live-events-reader');
    this.connection.on('close', () => (this.connectionId = undefined));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!this.cursors.size) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        await this.readOnce();
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        failures += 1;
        const pauseMs = Math.min(100 * 2 ** failures, MAX_ERROR_PAUSE_MS);
        this.logger.warn(
          { reason: (error as Error).message, retryInMs: pauseMs },
          'Live events read failed',
        );
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  private async readOnce(): Promise<void> {
    const connection = this.connection!;
    this.connectionId ??= await connection.client('ID');
    const asked = new Map(this.cursors);
    const answer = await connection.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      ...[...asked.keys()].map((tenantId) => this.log.key(tenantId)),
      ...asked.values(),
    );
    for (const [key, rows] of answer ?? []) {
      const tenantId = this.log.tenantOf(key);
      // Unwatched meanwhile, or watched anew from another place: this answer is stale.
      if (!rows.length || this.cursors.get(tenantId) !== asked.get(tenantId)) continue;
      this.cursors.set(tenantId, rows[rows.length - 1][0]);
      this.handler?.(
        tenantId,
        rows.map(([id, fields]) => toEntry(id, fields)),
      );
    }
  }
}
