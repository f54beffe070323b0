import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
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

type ScriptedRedis = Redis & {
  [COMMAND](key: string, rate: number, burst: number): Promise<[number, number]>;
};

/**
 * Redis token buckets shared by every pod, for pacing calls to a platform per account (e.g.
 * WhatsApp messages per second per number). One Lua script per take: atomic, one round trip,
 * timed by the Redis server's clock. Keys live under `${prefix}:pace:`.
 */
@Injectable()
export class TokenBucket {
  private readonly redis: ScriptedRedis;
  private readonly keyPrefix: string;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    // ioredis sends EVALSHA and falls back to EVAL once if Redis lost the script (NOSCRIPT).
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE_TOKEN_SCRIPT });
    this.redis = redis as ScriptedRedis;
    this.keyPrefix = `${config.redis.prefix}:pace:`;
  }

  async take(key: string, rate: PaceRate): Promise<PaceDecision> {
    if (!(rate.ratePerSecond > 0) || !(rate.burst >= 1)) {
      throw new RangeError(`Invalid pace for ${key}: rate must be > 0 and burst >= 1`);
    }
    const [allowed, retryAfterMs] = await this.redis[COMMAND](
      this.keyPrefix + key,
      rate.ratePerSecond,
      rate.burst,
    );
    return { allowed: allowed === 1, retryAfterMs };
  }
}
