import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { redisScript } from '@core/redis/redis-script';

/**
 * Admits a connection when fewer than the limit are live: expired leases (a pod that died
 * without releasing) are removed first. Scores are lease ends in ms, by Redis' clock.
 */
const ACQUIRE = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

const RENEW = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/**
 * The per-tenant stream limit across all pods: each open stream holds a lease in a sorted set
 * per tenant, renewed with every heartbeat and released when the stream ends. A pod that
 * dies mid-stream leaves leases that lapse after a few heartbeats instead of counting forever.
 */
@Injectable()
export class ConnectionLimiter {
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly admit: (
    key: string,
    leaseMs: number,
    limit: number,
    connectionId: string,
  ) => Promise<number>;
  private readonly renewAll: (key: string, leaseMs: number, ...ids: string[]) => Promise<unknown>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.admit = redisScript<number>(redis, 'omnihubLiveAdmit', { keys: 1, lua: ACQUIRE });
    this.renewAll = redisScript(redis, 'omnihubLiveRenew', { keys: 1, lua: RENEW });
    this.prefix = `${config.redis.prefix}:live:connections`;
    this.leaseMs = 3 * config.liveEvents.heartbeatMs + 5_000;
  }

  async acquire(tenantId: string, connectionId: string): Promise<boolean> {
    const admitted = await this.admit(
      this.key(tenantId),
      this.leaseMs,
      this.config.liveEvents.maxConnectionsPerTenant,
      connectionId,
    );
    return admitted === 1;
  }

  async renew(tenantId: string, connectionIds: readonly string[]): Promise<void> {
    if (connectionIds.length) {
      await this.renewAll(this.key(tenantId), this.leaseMs, ...connectionIds);
    }
  }

  async release(tenantId: string, connectionId: string): Promise<void> {
    await this.redis.zrem(this.key(tenantId), connectionId);
  }

  private key(tenantId: string): string {
    return `${this.prefix}:${tenantId}`;
  }
}
