import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';
import { SessionHealthChecker } from './session-health.checker';

/**
 * Runs the session check every EVOLUTION_SESSION_CHECK_INTERVAL_MS in worker roles.
 *
 * A lock-guarded timer rather than a BullMQ job scheduler: the repeatable jobs of this app run
 * on the `maintenance` queue, whose processor belongs to the inbox (core) and would have to
 * learn about WhatsApp to route the job, and a queue of its own for one periodic task is not
 * worth it. Every worker pod ticks; `SET NX PX interval` lets one pod per interval do the
 * check. The lock is not released after the pass, so the check runs once per interval across
 * the fleet rather than once per pod.
 */
@Injectable()
export class SessionHealthPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionHealthPoller.name);
  private readonly owner = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly checker: SessionHealthChecker,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      const lock = `${this.config.redis.prefix}:evolution:session-check:lock`;
      const won = await this.redis.set(lock, this.owner, 'PX', this.intervalMs, 'NX');
      if (won !== 'OK') return;
      const report = await this.checker.checkOnce();
      this.logger.debug(report, 'Evolution session check done');
    } catch (error) {
      this.logger.error({ err: error }, 'Evolution session check failed');
    }
  }

  private get intervalMs(): number {
    return this.config.whatsapp.evolution.sessionCheckIntervalMs;
  }
}
