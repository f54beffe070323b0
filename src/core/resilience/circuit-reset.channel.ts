import { randomUUID } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, createRedis } from '@core/redis/redis.module';
import { BreakerKey, isBreakerKey } from './breaker-key';

type ResetHandler = (key: BreakerKey) => void;

/**
 * Carries manual circuit resets to every instance over Redis pub/sub. Breakers live in each
 * pod's memory, so an operator's reset must reach all of them, or the other pods keep the
 * provider account cut off. Publishing uses the shared client; a subscribed ioredis connection
 * can issue no other commands, so listening needs a dedicated one.
 */
@Injectable()
export class CircuitResetChannel implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CircuitResetChannel.name);
  /** Lets an instance skip its own announcements: it has already reset locally. */
  private readonly origin = randomUUID();
  private readonly handlers: ResetHandler[] = [];
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  get channel(): string {
    return `${this.config.redis.prefix}:circuit:reset`;
  }

  onReset(handler: ResetHandler): void {
    this.handlers.push(handler);
  }

  async publish(key: BreakerKey): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, key }));
  }

  async onModuleInit(): Promise<void> {
    const subscriber = createRedis(this.config.redis.url, 'omnihub-circuit-reset');
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
    // Also on every reconnect: a subscription that failed at boot (Redis away) is made later.
    subscriber.on('ready', () => void this.subscribe(subscriber));
    await this.subscribe(subscriber);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    subscriber.removeAllListeners('ready');
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
    } catch (error) {
      this.logger.warn(
        `Not subscribed to circuit resets yet (${(error as Error).message}); retrying on reconnect`,
      );
    }
  }

  private deliver(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      this.logger.warn('Ignored a malformed circuit reset announcement');
      return;
    }
    const { origin, key } = (parsed ?? {}) as { origin?: unknown; key?: unknown };
    if (origin === this.origin) return;
    if (!isBreakerKey(key)) {
      this.logger.warn('Ignored a circuit reset announcement without a valid key');
      return;
    }
    for (const handler of this.handlers) handler(key);
  }
}
