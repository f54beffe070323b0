import { createHash } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AlertCondition } from '@core/alerts/alert-raiser';
import { REDIS } from '@core/redis/redis.module';

const HOUR_MS = 3_600_000;

/** The condition's identity: type, subject and tenant, hashed to a bounded key. */
export function fingerprintOf(condition: AlertCondition): string {
  return createHash('sha256')
    .update(JSON.stringify([condition.type, condition.subject, condition.tenantId ?? null]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The cluster-wide gates an alert passes before anyone is told, in Redis so every pod shares
 * them: the dedup window (SET NX with a TTL: the first pod to raise a condition in the window
 * wins, the others only count an occurrence) and the per-type hourly budget (INCR on a key
 * per type and hour, so a flapping breaker on a hundred accounts cannot flood a channel).
 */
@Injectable()
export class AlertGate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** True for the first raise of the condition in the dedup window. */
  async claim(fingerprint: string): Promise<boolean> {
    const set = await this.redis.set(
      this.key('dedup', fingerprint),
      '1',
      'PX',
      this.config.alerts.dedupWindowMs,
      'NX',
    );
    return set === 'OK';
  }

  /** The condition cleared: a recurrence is news again, whatever is left of the window. */
  async release(fingerprint: string): Promise<void> {
    await this.redis.del(this.key('dedup', fingerprint));
  }

  /** Takes one announcement of `type` from this hour's budget; false when it is spent. */
  async withinRate(type: string, now = Date.now()): Promise<boolean> {
    const hour = Math.floor(now / HOUR_MS);
    const key = this.key('rate', `${type}:${hour}`);
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, HOUR_MS).exec()) as [
      [Error | null, number],
      unknown,
    ];
    return count <= this.config.alerts.rateLimitPerTypePerHour;
  }

  private key(kind: string, id: string): string {
    return `${this.config.redis.prefix}:alerts:${kind}:${id}`;
  }
}
