import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { redisScript } from '@core/redis/redis-script';

const COMMAND = 'omnihubTakeWebhookSlot';

/**
 * KEYS[1]: the subscription's sorted set of slot holders, scored by when their lease ends.
 * Drops lapsed leases (a worker that died holding one), then takes a slot if one is free.
 * Timed by the Redis server's clock, so pods with skewed clocks agree.
 */
const TAKE_SLOT_SCRIPT = `
local now = redis.call('TIME')
local nowMs = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`;

/**
 * Deliveries in flight per subscription, across every worker of every pod: a semaphore in
 * Redis whose slots are leases, so a worker that dies holding one frees it when the lease
 * lapses. BullMQ has no per-group concurrency without its Pro edition; this is the group-less
 * equivalent. A job that finds no free slot is delayed by its processor, so a slow receiver
 * keeps at most this many worker slots busy and every other subscription's jobs run on.
 */
@Injectable()
export class SubscriptionSlots {
  private readonly takeSlot: (
    key: string,
    limit: number,
    holder: string,
    leaseMs: number,
  ) => Promise<number>;
  private readonly keyPrefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.takeSlot = redisScript<number>(redis, COMMAND, { keys: 1, lua: TAKE_SLOT_SCRIPT });
    this.keyPrefix = `${config.redis.prefix}:webhook-slots:`;
  }

  /** True when `holder` got one of the subscription's `limit` slots for `leaseMs`. */
  async take(webhookId: string, holder: string, limit: number, leaseMs: number): Promise<boolean> {
    return (await this.takeSlot(this.keyPrefix + webhookId, limit, holder, leaseMs)) === 1;
  }

  async release(webhookId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.keyPrefix + webhookId, holder);
  }
}
