import { AppConfig } from '@config/app-config';
import { Module } from '@nestjs/common';
import { ThrottlerModule, seconds } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { FailOpenStorage } from './fail-open-storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** @nestjs/throttler with its counters in Redis, so every pod shares a tenant's budget. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          {
            name: 'default',
            ttl: seconds(config.throttle.ttlSeconds),
            limit: config.throttle.limit,
          },
        ],
        storage: new FailOpenStorage(new RedisThrottlerStorage(redis), config.redis.prefix),
      }),
    }),
  ],
})
export class ThrottlingModule {}
