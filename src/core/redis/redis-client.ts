import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * One shared ioredis connection for commands (rate limits, caches, pub/sub publishers).
 * Commands fail after one retry instead of queueing forever while Redis is away, so callers
 * (and the readiness probe) learn about an outage at once. BullMQ keeps its own connections.
 */
export function createRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Log transitions, not every reconnect attempt; without an 'error' listener ioredis would
  // report each failed attempt as an unhandled event.
  const logger = new Logger(`Redis:${name}`);
  let up = true;
  redis.on('error', (error: Error) => {
    if (up) logger.warn(`Redis connection lost: ${error.message}`);
    up = false;
  });
  redis.on('ready', () => {
    if (!up) logger.log('Redis connection restored');
    up = true;
  });
  return redis;
}
