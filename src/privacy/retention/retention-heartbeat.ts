import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';

/**
 * When the retention task last completed a run, in Redis so whichever pod runs the stall
 * check reads what whichever pod ran retention wrote. Before any run completes, the first
 * check starts the clock (`watchingSince`), so a task that never runs is noticed too.
 */
@Injectable()
export class RetentionHeartbeat {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  private get key(): string {
    return `${this.config.redis.prefix}:privacy:retention:last-success`;
  }

  async succeeded(at: Date): Promise<void> {
    await this.redis.set(this.key, String(at.getTime()));
  }

  /** The last completed run, or (none yet) the first time anyone asked: `now` then. */
  async lastSuccess(now: Date): Promise<Date> {
    await this.redis.set(this.key, String(now.getTime()), 'NX');
    return new Date(Number(await this.redis.get(this.key)));
  }
}
