import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { MicroBatcher } from '@core/batching/micro-batcher';
import { redisScript } from '@core/redis/redis-script';
import { compareStreamIds, LiveEvent, streamIdTime } from './live-event';

/** One entry of a tenant's stream. */
export interface LogEntry {
  id: string;
  event: LiveEvent;
}

/**
 * How long an event id is remembered to drop a redelivery: the event stream redelivers what a
 * worker leased but did not acknowledge (30 s leases) or what a re-drive sends again.
 */
const SEEN_WINDOW_MS = 3_600_000;

/**
 * Appends each event unless it was appended within the dedupe window, trims what is older than
 * the retention (by Redis' own clock, so pods' clock skew does not matter) and keeps each key
 * alive as long as its newest entry. KEYS are pairs (stream, seen marker), ARGV the retention,
 * the dedupe window, then one entry per pair. Returns per entry its id, or nil for a duplicate.
 */
const APPEND = `
local now = redis.call('TIME')
local minId = string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1]))
local ids = {}
for i = 1, #KEYS / 2 do
  if redis.call('SET', KEYS[2 * i], '1', 'NX', 'PX', ARGV[2]) then
    ids[i] = redis.call('XADD', KEYS[2 * i - 1], 'MINID', '~', minId, '*', 'e', ARGV[i + 2])
    redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[1])
  else
    ids[i] = false
  end
end
return ids`;

/** Appends per script call: many more than a delivery poll's concurrent streams produce. */
const MAX_APPENDS_PER_CALL = 100;

interface Append {
  streamKey: string;
  seenKey: string;
  entry: string;
}

/**
 * Each tenant's live events as a Redis Stream: the entry id (`<ms>-<seq>`) is the tenant's
 * monotonically increasing event id, which clients resume from with Last-Event-ID. Entries
 * are trimmed by age (LIVE_EVENTS_RETENTION_HOURS); a key whose tenant is quiet for that
 * long expires. Every key shares the configured prefix, so one Redis Cluster slot holds them.
 */
@Injectable()
export class TenantEventLog {
  private readonly prefix: string;
  private readonly retentionMs: number;
  private readonly appendAll: (
    keyCount: number,
    ...keysThenArgs: (string | number)[]
  ) => Promise<(string | null)[]>;
  /**
   * Events appended around the same time (a delivery poll hands its streams' events out
   * concurrently) go to Redis in one script call rather than one each.
   */
  private readonly appends = new MicroBatcher<Append, string | null>(
    (batch) => this.appendBatch(batch),
    MAX_APPENDS_PER_CALL,
  );

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.appendAll = redisScript<(string | null)[]>(redis, 'omnihubLiveAppend', {
      keys: 'counted',
      lua: APPEND,
    });
    this.prefix = `${config.redis.prefix}:live`;
    this.retentionMs = config.liveEvents.retentionMs;
  }

  key(tenantId: string): string {
    return `${this.prefix}:stream:${tenantId}`;
  }

  /** The tenant of a stream key (the reader reads many at once). */
  tenantOf(key: string): string {
    return key.slice(this.prefix.length + ':stream:'.length);
  }

  /** Appends the event; its entry id, or null when it was appended before (a redelivery). */
  append(tenantId: string, event: LiveEvent): Promise<string | null> {
    return this.appends.submit({
      streamKey: this.key(tenantId),
      seenKey: `${this.prefix}:seen:${event.eventId}`,
      entry: JSON.stringify(event),
    });
  }

  private async appendBatch(batch: Append[]): Promise<PromiseSettledResult<string | null>[]> {
    const ids = await this.appendAll(
      batch.length * 2,
      ...batch.flatMap((append) => [append.streamKey, append.seenKey]),
      this.retentionMs,
      Math.min(SEEN_WINDOW_MS, this.retentionMs),
      ...batch.map((append) => append.entry),
    );
    return batch.map((_, index) => ({ status: 'fulfilled', value: ids[index] ?? null }));
  }

  /** The newest entry id, or `0-0` when the tenant has none: where a new client starts. */
  async head(tenantId: string): Promise<string> {
    const [newest] = await this.redis.xrevrange(this.key(tenantId), '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  }

  /** Up to `count` entries after `afterId`, oldest first. */
  async after(tenantId: string, afterId: string, count: number): Promise<LogEntry[]> {
    const rows = await this.redis.xrange(this.key(tenantId), `(${afterId}`, '+', 'COUNT', count);
    return rows.map(([id, fields]) => toEntry(id, fields));
  }

  /**
   * True when entries after `lastId` may have been trimmed already, so a replay from it would
   * be incomplete. Trimming removes the oldest entries, so an id at or after the first one
   * kept has lost nothing; one before it has, when anything was removed at all (an id just
   * before the first kept one resyncs too: the stream cannot tell). When the key expired
   * altogether, an id older than the retention may have missed events; an id beyond the
   * newest entry is not ours (another environment's).
   */
  async gapSince(tenantId: string, lastId: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await this.redis.xinfo('STREAM', this.key(tenantId))) as unknown[];
    } catch (error) {
      if (!/no such key/i.test((error as Error).message)) throw error;
      return streamIdTime(lastId) < Date.now() - this.retentionMs;
    }
    const field = <T>(name: string) => info[info.indexOf(name) + 1] as T;
    const newest = field<string>('last-generated-id');
    if (compareStreamIds(lastId, newest) > 0) return true;
    const first = field<[string, string[]] | null>('first-entry')?.[0];
    if (first && compareStreamIds(lastId, first) >= 0) return false;
    const removed = Number(field('entries-added')) > Number(field('length'));
    return removed && compareStreamIds(lastId, newest) < 0;
  }
}

export function toEntry(id: string, fields: string[]): LogEntry {
  return { id, event: JSON.parse(fields[fields.indexOf('e') + 1]) as LiveEvent };
}
