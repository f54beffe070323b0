import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import type { FastifyReply } from 'fastify';
import { newId } from '@core/database/ids';
import { DomainError, UnavailableError } from '@core/errors/domain-error';
import { isStreamId, sseFrame } from './live-event';
import { LiveEventsHub } from './live-events.hub';
import { ConnectionLimiter } from './connection-limiter';
import { whileStoreReachable } from './live-events-unavailable';
import { SseClient } from './sse-client';
import type { StreamGrant } from './stream-tickets';
import { TenantEventLog } from './tenant-event-log';

/** Entries read per replay page; the next page waits until the socket has taken this one. */
const REPLAY_PAGE = 500;
/** How soon a client that lost its stream tries again (the SSE `retry:` field). */
const RECONNECT_MS = 2_000;

/**
 * Opens one client's event stream: admits it under the tenant's connection limit, decides
 * where it starts (its Last-Event-ID, or now; `resync` when what it missed is no longer
 * kept), joins it to the pod's fan-out and replays what it missed, then hands it to the live
 * feed. It joins before replaying, so an entry appended meanwhile is held for it rather than
 * lost; the client's position makes each entry go out once.
 */
@Injectable()
export class EventStreams {
  private readonly logger = new Logger(EventStreams.name);

  constructor(
    private readonly hub: LiveEventsHub,
    private readonly log: TenantEventLog,
    private readonly limiter: ConnectionLimiter,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async open(reply: FastifyReply, grant: StreamGrant, lastEventId?: string): Promise<void> {
    const { tenantId } = grant;
    if (this.hub.isClosing) {
      throw new UnavailableError(
        'LIVE_EVENTS.SHUTTING_DOWN',
        'This server is shutting down; reconnect',
        1,
      );
    }
    const connectionId = newId();
    if (
      !(await whileStoreReachable(this.redis, () => this.limiter.acquire(tenantId, connectionId)))
    ) {
      throw new DomainError(
        'LIVE_EVENTS.TOO_MANY_STREAMS',
        'rate-limited',
        `This tenant already has ${this.config.liveEvents.maxConnectionsPerTenant} event streams open`,
        { retryAfterSeconds: Math.ceil(this.config.liveEvents.heartbeatMs / 1000) },
      );
    }
    let start: string;
    let resync: string | undefined;
    try {
      ({ start, resync } = await whileStoreReachable(this.redis, () =>
        this.startOf(tenantId, lastEventId),
      ));
    } catch (error) {
      await this.limiter.release(tenantId, connectionId).catch(() => undefined);
      throw error;
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back to fill their buffers
      'x-accel-buffering': 'no',
      'x-request-id': String(reply.request.id),
    });
    raw.write(`retry: ${RECONNECT_MS}\n\n`);
    const client = new SseClient(
      connectionId,
      tenantId,
      raw,
      grant.filters,
      start,
      this.config.liveEvents.maxBufferBytes,
      (dropped, reason) => {
        this.hub.recordDrop(reason);
        this.hub.remove(dropped);
      },
    );
    raw.on('close', () => {
      client.markClosed();
      this.hub.remove(client);
      this.limiter.release(tenantId, connectionId).catch(() => undefined);
    });
    if (resync) client.control('resync', { reason: resync });
    this.hub.add(client);
    await this.replay(client, start);
  }

  /** Where the client starts: its Last-Event-ID, or now (with why it must resync). */
  private async startOf(
    tenantId: string,
    lastEventId: string | undefined,
  ): Promise<{ start: string; resync?: string }> {
    const head = await this.log.head(tenantId);
    if (lastEventId === undefined) return { start: head };
    if (!isStreamId(lastEventId)) return { start: head, resync: 'unknown-event-id' };
    if (await this.log.gapSince(tenantId, lastEventId)) {
      return { start: head, resync: 'events-expired' };
    }
    return { start: lastEventId };
  }

  private async replay(client: SseClient, start: string): Promise<void> {
    let after = start;
    let replayed = 0;
    try {
      while (client.isOpen) {
        const page = await this.log.after(client.tenantId, after, REPLAY_PAGE);
        replayed += client.replay(
          page.map((entry) => ({ entry, frame: sseFrame(entry.id, entry.event) })),
        );
        if (page.length < REPLAY_PAGE) break;
        after = page[page.length - 1].id;
        await client.drained();
      }
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'Replaying live events failed');
      client.drop('unavailable');
      return;
    } finally {
      this.hub.recordDelivered('replay', replayed);
    }
    this.hub.recordDelivered('live', client.goLive());
  }
}
