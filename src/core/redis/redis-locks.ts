import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from './redis-client';
import { redisScript } from './redis-script';

/** Deletes the lock only if it is still ours (it may have lapsed and been taken since). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Redis locks for what must happen once across every pod (a token refresh, a flush, a
 * check-then-book): SET NX PX, so a dead pod's lock ends with its lease, released only by
 * its owner. Callers choose the key (under their own prefix) and a lease longer than their
 * work can take.
 */
@Injectable()
export class RedisLocks {
  private readonly releaseIfOwner: (key: string, owner: string) => Promise<number>;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.releaseIfOwner = redisScript<number>(redis, 'omnihubReleaseLock', {
      keys: 1,
      lua: RELEASE,
    });
  }

  /** The lock's owner token, or undefined when another caller holds it. */
  async tryAcquire(key: string, leaseMs: number): Promise<string | undefined> {
    const owner = randomBytes(12).toString('base64url');
    const taken = await this.redis.set(key, owner, 'PX', leaseMs, 'NX');
    return taken === 'OK' ? owner : undefined;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.releaseIfOwner(key, owner);
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }
}
