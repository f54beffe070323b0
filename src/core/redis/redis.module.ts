import { AppConfig } from '@config/app-config';
import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisBroadcasts } from './redis-broadcasts';
import { createRedis, REDIS } from './redis-client';
import { RedisLocks } from './redis-locks';

export { createRedis, REDIS };

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createRedis(config.redis.url, 'omnihub'),
    },
    RedisCloser,
    RedisBroadcasts,
    RedisLocks,
  ],
  exports: [REDIS, RedisBroadcasts, RedisLocks],
})
export class RedisModule {}
