import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { RedisLocks } from '@core/redis/redis-locks';

/** Longer than a refresh can take (the 15 s call deadline plus a retry), so a dead pod's lock ends. */
const LOCK_MS = 40_000;
const POLL_MS = 100;

/**
 * Redis locks (RedisLocks) for what must happen once across every pod: a connection's token
 * refresh (whoever does not get the lock waits, then rereads the token the holder stored
 * instead of asking Google again), and a calendar's check-then-book (two bookings of one slot
 * cannot both see it free).
 */
@Injectable()
export class CalendarLocks {
  private readonly prefix: string;

  constructor(
    config: AppConfig,
    private readonly locks: RedisLocks,
  ) {
    this.prefix = `${config.redis.prefix}:calendar:lock`;
  }

  /** The lock's owner token, or undefined when another caller holds it. */
  tryAcquire(name: string): Promise<string | undefined> {
    return this.locks.tryAcquire(this.key(name), LOCK_MS);
  }

  async release(name: string, owner: string): Promise<void> {
    await this.locks.release(this.key(name), owner);
  }

  /** Resolves once nobody holds the lock (at most one lease long). */
  async waitForRelease(name: string): Promise<void> {
    const deadline = Date.now() + LOCK_MS;
    while (Date.now() < deadline && (await this.locks.isHeld(this.key(name)))) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Runs `fn` holding the lock, waiting for it as long as others hold it. */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const owner = await this.tryAcquire(name);
      if (!owner) {
        await this.waitForRelease(name);
        continue;
      }
      try {
        return await fn();
      } finally {
        await this.release(name, owner);
      }
    }
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }
}
