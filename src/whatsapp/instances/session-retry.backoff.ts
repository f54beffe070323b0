import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';
import { SessionClock } from './session-clock';

/** Reconnect attempts back off up to 32 check intervals apart. */
const MAX_DOUBLINGS = 5;

/** Wait after the `attempts`-th failed reconnect: one interval, then doubling, capped. */
export function reconnectDelayMs(attempts: number, intervalMs: number): number {
  return intervalMs * 2 ** Math.min(Math.max(attempts - 1, 0), MAX_DOUBLINGS);
}

interface RetryState {
  attempts: number;
  nextAt: number;
}

/**
 * Per-account reconnect backoff, kept in Redis rather than memory: the session check runs on
 * whichever worker pod holds the lock, so the schedule must survive the lock moving pods.
 */
@Injectable()
export class SessionRetryBackoff {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: SessionClock,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async isDue(accountId: string): Promise<boolean> {
    const state = await this.read(accountId);
    return !state || state.nextAt <= this.clock.now();
  }

  /** Records a reconnect attempt that did not bring the session back. */
  async attempted(accountId: string): Promise<void> {
    const interval = this.config.whatsapp.evolution.sessionCheckIntervalMs;
    const attempts = ((await this.read(accountId))?.attempts ?? 0) + 1;
    const delay = reconnectDelayMs(attempts, interval);
    const state: RetryState = { attempts, nextAt: this.clock.now() + delay };
    await this.redis.set(this.key(accountId), JSON.stringify(state), 'PX', delay * 4);
  }

  async reset(accountId: string): Promise<void> {
    await this.redis.del(this.key(accountId));
  }

  private async read(accountId: string): Promise<RetryState | null> {
    const stored = await this.redis.get(this.key(accountId));
    return stored ? (JSON.parse(stored) as RetryState) : null;
  }

  private key(accountId: string): string {
    return `${this.config.redis.prefix}:evolution:session-retry:${accountId}`;
  }
}
