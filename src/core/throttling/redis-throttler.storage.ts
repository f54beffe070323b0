import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';
import { redisScript } from '@core/redis/redis-script';

const COMMAND = 'omnihubThrottleHit';

/**
 * One hit in a fixed window, atomically: KEYS[1] the window's hit counter, KEYS[2] the block
 * flag; ARGV[1] window ms, ARGV[2] limit, ARGV[3] block ms. A hit past the limit blocks for
 * the block duration; the first hit after a block ended starts a fresh window.
 * Returns { hits, window ms left, blocked (1|0), block ms left }.
 */
const HIT_SCRIPT = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockFor = tonumber(ARGV[3])

local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft <= 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  windowLeft = window
end

local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft == -2 and hits > limit then
  redis.call('SET', KEYS[2], 1, 'PX', blockFor)
  blockLeft = blockFor
elseif blockLeft == -1 then
  blockLeft = 0
end
if blockLeft == -2 then
  return { hits, windowLeft, 0, 0 }
end
if blockLeft <= 0 then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], 1, 'PX', window)
  return { 1, window, 0, 0 }
end
return { hits, windowLeft, 1, blockLeft }
`;

/**
 * @nestjs/throttler's counters in Redis, shared by every pod: one script call per request,
 * sent by digest (redisScript), where the storage package sent the script's whole text with
 * every API call.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly hit: (
    hitKey: string,
    blockKey: string,
    windowMs: number,
    limit: number,
    blockMs: number,
  ) => Promise<[number, number, number, number]>;

  constructor(redis: Redis) {
    this.hit = redisScript<[number, number, number, number]>(redis, COMMAND, {
      keys: 2,
      lua: HIT_SCRIPT,
    });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // One hash tag per bucket: both keys live on the same Redis Cluster slot.
    const bucket = `{${key}:${throttlerName}}`;
    const [hits, windowLeftMs, blocked, blockLeftMs] = await this.hit(
      `${bucket}:hits`,
      `${bucket}:blocked`,
      ttl,
      limit,
      blockDuration,
    );
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(windowLeftMs / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockLeftMs / 1000),
    };
  }
}
