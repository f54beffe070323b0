import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { redisScript } from '@core/redis/redis-script';
import { TAKE_TOKEN_SCRIPT } from './token-bucket.script';

export interface PaceRate {
  /** Sustained rate: tokens added per second. */
  ratePerSecond: number;
  /** Bucket capacity: how many calls may go at once after a quiet spell. */
  burst: number;
}

export interface PaceDecision {
  allowed: boolean;
  /** When not allowed: how long until the next token (0 when allowed). */
  retryAfterMs: number;
}

const COMMAND = 'omnihubTakeToken';

/**
 * Redis token buckets shared by every pod, for pacing calls to a platform per account (e.g.
 * WhatsApp messages per second per number). One Lua script per take: atomic, one round trip,
 * timed by the Redis server's clock. Keys live under `${prefix}:pace:`.
 */
@Injectable()
export class TokenBucket {
  private readonly takeToken: (
    key: string,
    rate: number,
    burst: number,
  ) => Promise<[number, number]>;
  private readonly keyPrefix: string;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    this.takeToken = redisScript<[number, number]>(redis, COMMAND, {
      keys: 1,
      lua: TAKE_TOKEN_SCRIPT,
    });
    this.keyPrefix = `${config.redis.prefix}:pace:`;
  }

  async take(key: string, rate: PaceRate): Promise<PaceDecision> {
    if (!(rate.ratePerSecond > 0) || !(rate.burst >= 1)) {
      throw new RangeError(`Invalid pace for ${key}: rate must be > 0 and burst >= 1`);
    }
    const [allowed, retryAfterMs] = await this.takeToken(
      this.keyPrefix + key,
      rate.ratePerSecond,
      rate.burst,
    );
    return { allowed: allowed === 1, retryAfterMs };
  }
}
