import { AppConfig } from '@config/app-config';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { sseFrame } from './live-event';
import {
  DropReason,
  LIVE_EVENTS_CLIENTS,
  LIVE_EVENTS_DELIVERED_TOTAL,
  LIVE_EVENTS_DROPPED_TOTAL,
} from './live-events.metrics';
import { LiveEventsReader } from './live-events.reader';
import { ConnectionLimiter } from './connection-limiter';
import type { SseClient } from './sse-client';
import type { LogEntry } from './tenant-event-log';

/**
 * This pod's connected stream clients by tenant: fans the reader's entries out to them (each
 * frame serialised once per entry, not per client), sends heartbeats, renews their connection
 * leases, and on shutdown ends every stream with a `close` event so the pod drains and the
 * browsers reconnect to another pod with their Last-Event-ID.
 */
@Injectable()
export class LiveEventsHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventsHub.name);
  private readonly clients = new Map<string, Set<SseClient>>();
  private heartbeat?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly reader: LiveEventsReader,
    private readonly limiter: ConnectionLimiter,
    private readonly config: AppConfig,
    @InjectMetric(LIVE_EVENTS_CLIENTS) private readonly connected: Gauge,
    @InjectMetric(LIVE_EVENTS_DELIVERED_TOTAL) private readonly delivered: Counter,
    @InjectMetric(LIVE_EVENTS_DROPPED_TOTAL) private readonly dropped: Counter,
  ) {}

  onModuleInit(): void {
    this.reader.deliverTo((tenantId, entries) => this.fanOut(tenantId, entries));
  }

  /** True once the pod is shutting down: new streams are refused. */
  get isClosing(): boolean {
    return this.closing;
  }

  add(client: SseClient): void {
    let tenantClients = this.clients.get(client.tenantId);
    if (!tenantClients) {
      tenantClients = new Set();
      this.clients.set(client.tenantId, tenantClients);
      this.reader.watch(client.tenantId, client.position);
    }
    tenantClients.add(client);
    this.connected.inc();
    this.heartbeat ??= setInterval(() => this.beat(), this.config.liveEvents.heartbeatMs).unref();
  }

  remove(client: SseClient): void {
    const tenantClients = this.clients.get(client.tenantId);
    if (!tenantClients?.delete(client)) return;
    this.connected.dec();
    if (!tenantClients.size) {
      this.clients.delete(client.tenantId);
      this.reader.unwatch(client.tenantId);
    }
    if (!this.clients.size) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  recordDrop(reason: DropReason): void {
    this.dropped.inc({ reason });
  }

  recordDelivered(mode: 'live' | 'replay', count: number): void {
    if (count) this.delivered.inc({ mode }, count);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const leaving = [...this.clients.values()].flatMap((tenantClients) => [...tenantClients]);
    for (const client of leaving) client.drop('server-shutdown');
    // Released now, while Redis is still connected: the clients reconnect to other pods at
    // once and must not find their old leases counting against the limit.
    await Promise.all(
      leaving.map((client) =>
        this.limiter.release(client.tenantId, client.id).catch(() => undefined),
      ),
    );
  }

  private fanOut(tenantId: string, entries: LogEntry[]): void {
    const tenantClients = this.clients.get(tenantId);
    if (!tenantClients) return;
    const batch = entries.map((entry) => ({ entry, frame: sseFrame(entry.id, entry.event) }));
    let count = 0;
    for (const client of tenantClients) count += client.offer(batch);
    this.recordDelivered('live', count);
  }

  private beat(): void {
    for (const [tenantId, tenantClients] of this.clients) {
      for (const client of tenantClients) client.heartbeat();
      this.limiter
        .renew(
          tenantId,
          [...tenantClients].map((client) => client.id),
        )
        .catch((error: Error) =>
          this.logger.warn({ reason: error.message }, 'Renewing stream leases failed'),
        );
    }
  }
}
