import { randomUUID } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, createRedis } from './redis-client';

type Handler = (payload: unknown) => void;

/**
 * Announcements from one instance to all the others over Redis pub/sub, by topic: state every
 * pod keeps in memory (circuit breakers, briefly reused API keys) must follow a change made
 * through any one of them. One channel and one dedicated subscribed connection per process
 * (a subscribed ioredis connection can issue no other commands); publishing uses the shared
 * client. An instance does not hear its own announcements: it has acted locally already.
 *
 * Pub/sub keeps nothing for an instance that is not listening at that moment, so what is kept
 * on the strength of announcements (a cache that an announcement would drop) may be kept only
 * while `listening`, and must be dropped when listening stops (`onSilence`): between the two,
 * announcements may have been missed.
 */
@Injectable()
export class RedisBroadcasts implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisBroadcasts.name);
  private readonly origin = randomUUID();
  private readonly handlers = new Map<string, Handler[]>();
  private readonly silenceHandlers: (() => void)[] = [];
  private subscriber?: Redis;
  private subscribed = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  get channel(): string {
    return `${this.config.redis.prefix}:broadcast`;
  }

  /** True while this instance hears every announcement made. */
  get listening(): boolean {
    return this.subscribed;
  }

  /** Calls `handler` with the payload of each announcement on `topic` made by another instance. */
  on(topic: string, handler: Handler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Calls `handler` whenever listening stops (announcements from then on may be missed). */
  onSilence(handler: () => void): void {
    this.silenceHandlers.push(handler);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, topic, payload }));
  }

  async onModuleInit(): Promise<void> {
    const subscriber = createRedis(this.config.redis.url, 'omnihub-broadcasts');
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
    // Also on every reconnect: a subscription that failed at boot (Redis away) is made later.
    subscriber.on('ready', () => void this.subscribe(subscriber));
    subscriber.on('close', () => this.silence());
    await this.subscribe(subscriber);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    subscriber.removeAllListeners('ready');
    this.silence();
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
      // Not listening again if the connection dropped while the subscription was on its way.
      this.subscribed = subscriber.status === 'ready';
    } catch (error) {
      this.logger.warn(
        `Not subscribed to announcements yet (${(error as Error).message}); retrying on reconnect`,
      );
    }
  }

  private silence(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    for (const handler of this.silenceHandlers) handler();
  }

  private deliver(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      this.logger.warn('Ignored a malformed announcement');
      return;
    }
    const { origin, topic, payload } = (parsed ?? {}) as Record<string, unknown>;
    if (origin === this.origin || typeof topic !== 'string') return;
    for (const handler of this.handlers.get(topic) ?? []) handler(payload);
  }
}
