import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { REDIS } from '@core/redis/redis.module';

/** Deletes the lock only if it is still ours (it may have expired and been taken since). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Longer than a refresh can take (the 15 s call deadline plus a retry), so a dead pod's lock ends. */
const LOCK_MS = 40_000;
const POLL_MS = 100;

/**
 * One refresher per connection across every pod: a Redis lock (SET NX PX) taken around the
 * refresh. Whoever does not get it waits until the holder releases it (or its lease ends), then
 * rereads the token the holder stored instead of asking Google again.
 */
@Injectable()
export class RefreshLock {
  private readonly prefix: string;

  constructor(
    config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.prefix = `${config.redis.prefix}:calendar:refresh`;
  }

  /** The lock's owner token, or undefined when another caller holds it. */
  async tryAcquire(connectionId: string): Promise<string | undefined> {
    const owner = randomBytes(12).toString('base64url');
    const taken = await this.redis.set(this.key(connectionId), owner, 'PX', LOCK_MS, 'NX');
    return taken === 'OK' ? owner : undefined;
  }

  async release(connectionId: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(connectionId), owner);
  }

  /** Resolves once nobody holds the lock (at most one lease long). */
  async waitForRelease(connectionId: string): Promise<void> {
    const deadline = Date.now() + LOCK_MS;
    while (Date.now() < deadline && (await this.redis.exists(this.key(connectionId)))) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private key(connectionId: string): string {
    return `${this.prefix}:${connectionId}`;
  }
}
