import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/**
 * Rate limits protect the service; they must not take it down. When the Redis behind the
 * limiter is unreachable the request is let through (and the outage logged once), instead
 * of every API call failing with 500 while Redis recovers. Keys are kept under the
 * deployment's Redis prefix, beside its queues.
 */
export class FailOpenStorage implements ThrottlerStorage {
  private readonly logger = new Logger('Throttler');
  private failing = false;

  constructor(
    private readonly inner: ThrottlerStorage,
    private readonly keyPrefix: string,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.inner.increment(
        `${this.keyPrefix}:throttle:${key}`,
        ttl,
        limit,
        blockDuration,
        throttlerName,
      );
      if (this.failing) this.logger.log('Rate-limit storage is back; limits enforced again');
      this.failing = false;
      return record;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          { err: error },
          'Rate-limit storage unavailable; letting requests through',
        );
      }
      this.failing = true;
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
