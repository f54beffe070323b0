import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import type { StreamFilters } from './sse-client';
import { whileStoreReachable } from './live-events-unavailable';

/** What a ticket lets its bearer open: one tenant's stream, narrowed as when it was issued. */
export interface StreamGrant {
  tenantId: string;
  filters: StreamFilters;
}

/**
 * Short-lived, single-use stream tickets, so a browser's EventSource (which cannot send
 * headers) never puts a long-lived key in a URL, where proxies and histories keep it. Only
 * the ticket's hash is stored, with a TTL; GETDEL consumes it atomically, so two requests
 * racing with one ticket get one stream.
 */
@Injectable()
export class StreamTickets {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.prefix = `${config.redis.prefix}:live:ticket`;
  }

  async issue(grant: StreamGrant): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = randomBytes(32).toString('base64url');
    const ttl = this.config.liveEvents.ticketTtlSeconds;
    await whileStoreReachable(this.redis, () =>
      this.redis.set(this.key(ticket), JSON.stringify(grant), 'EX', ttl),
    );
    return { ticket, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  /** The ticket's grant, once; null when it is unknown, used or expired. */
  async consume(ticket: string): Promise<StreamGrant | null> {
    const stored = await whileStoreReachable(this.redis, () => this.redis.getdel(this.key(ticket)));
    return stored ? (JSON.parse(stored) as StreamGrant) : null;
  }

  private key(ticket: string): string {
    return `${this.prefix}:${createHash('sha256').update(ticket).digest('base64url')}`;
  }
}
