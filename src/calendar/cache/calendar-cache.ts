import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';
import { CALENDAR_CACHE_TOTAL } from '../calendar.metrics';

/**
 * Calendar reads cached in Redis for CALENDAR_CACHE_TTL_SECONDS, per tenant. Entries are keyed
 * under the tenant's cache generation; a write bumps the generation (one INCR), so every entry
 * of the tenant is invalidated at once and the stale ones just expire. A read racing a write
 * stores its answer under the old generation, where nobody looks any more.
 *
 * The cache is an optimisation: when Redis fails, reads go to Google.
 */
@Injectable()
export class CalendarCache {
  private readonly logger = new Logger(CalendarCache.name);
  private readonly prefix: string;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectMetric(CALENDAR_CACHE_TOTAL) private readonly reads: Counter<string>,
  ) {
    this.prefix = `${config.redis.prefix}:calendar:cache`;
  }

  async read<T>(
    tenantId: string,
    kind: string,
    params: unknown,
    load: () => Promise<T>,
  ): Promise<T> {
    const ttl = this.config.calendar.cacheTtlSeconds;
    if (ttl === 0) return load();
    let key: string | undefined;
    try {
      const generation = (await this.redis.get(this.generationKey(tenantId))) ?? '0';
      const digest = createHash('sha256').update(JSON.stringify(params)).digest('base64url');
      key = `${this.prefix}:${tenantId}:${generation}:${kind}:${digest}`;
      const cached = await this.redis.get(key);
      if (cached !== null) {
        this.reads.inc({ outcome: 'hit' });
        return JSON.parse(cached) as T;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Calendar cache unreadable; asking Google');
    }
    this.reads.inc({ outcome: 'miss' });
    const value = await load();
    if (key) {
      await this.redis
        .set(key, JSON.stringify(value), 'EX', ttl)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Calendar cache not written'));
    }
    return value;
  }

  /** Every cached read of the tenant is forgotten. */
  async invalidate(tenantId: string): Promise<void> {
    const key = this.generationKey(tenantId);
    try {
      await this.redis
        .multi()
        .incr(key)
        .expire(key, 86_400 * 30)
        .exec();
    } catch (error) {
      // The write at Google stands; failing its answer would invite a duplicate. Entries
      // read before it expire within the TTL.
      this.logger.error({ err: error, tenantId }, 'Calendar cache not invalidated after a write');
    }
  }

  private generationKey(tenantId: string): string {
    return `${this.prefix}:${tenantId}:generation`;
  }
}
