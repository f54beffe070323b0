import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { DomainError } from '@core/errors/domain-error';
import { REDIS } from '@core/redis/redis.module';

/** One authentication attempt: where it came from and which credential it tried. */
export interface AuthAttempt {
  /** clientAddressBucket() of the caller. */
  address: string;
  /** credentialBucket() of what it presented. */
  credential: string;
}

export class TooManyFailedAuthenticationsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'AUTH.TOO_MANY_FAILURES',
      'rate-limited',
      `Too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}

/** Blocked (address, credential) pairs remembered by this process; past it, forget them all. */
const MAX_REMEMBERED_BLOCKS = 10_000;

/**
 * Throttles failed authentications with two fixed-window counters in Redis, shared by all pods:
 *
 * - per address and credential (API key prefix, or token digest): past AUTH_FAILURE_LIMIT the
 *   pair is refused with 429 before its credential is even checked, so hammering one key costs
 *   neither a lookup nor a hash;
 * - per address: past the limit, every FAILED attempt from it answers 429 instead of 401.
 *   A valid credential from that address still gets in: behind one NAT or proxy, someone
 *   else's guessing must not lock out a working key.
 *
 * Successful requests never touch Redis: a pod learns that a pair is blocked from the counters
 * it updates on a failure, and remembers it until the window ends, so each pod checks at most
 * one more attempt of a blocked pair. Like the request throttler, it fails open when Redis
 * is unreachable (authentication itself still applies).
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger('AuthFailureLimiter');
  private readonly blockedUntil = new Map<string, number>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly keyPrefix: string;
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.limit = config.auth.failures.limit;
    this.windowMs = config.auth.failures.windowSeconds * 1000;
    this.keyPrefix = `${config.redis.prefix}:auth-failures`;
  }

  /** Throws TooManyFailedAuthenticationsError while this pair is known to be blocked. */
  refuseIfBlocked(attempt: AuthAttempt): void {
    const pair = this.pairKey(attempt);
    const until = this.blockedUntil.get(pair);
    if (until === undefined) return;
    const remainingMs = until - Date.now();
    if (remainingMs > 0) throw new TooManyFailedAuthenticationsError(toSeconds(remainingMs));
    this.blockedUntil.delete(pair);
  }

  /**
   * Counts a failed attempt; throws TooManyFailedAuthenticationsError when it went past the
   * limit of its pair or of its address, else returns (the caller answers 401).
   */
  async recordFailure(attempt: AuthAttempt): Promise<void> {
    const pair = this.pairKey(attempt);
    const counts = await this.increment([`${this.keyPrefix}:${attempt.address}`, pair]);
    if (!counts) return;
    const [address, credential] = counts;
    // The limit-th failure still answers 401, but the pair's next attempt is refused unchecked.
    if (credential.hits >= this.limit) this.remember(pair, credential.ttlMs);
    if (credential.hits > this.limit) {
      throw new TooManyFailedAuthenticationsError(toSeconds(credential.ttlMs));
    }
    if (address.hits > this.limit) {
      throw new TooManyFailedAuthenticationsError(toSeconds(address.ttlMs));
    }
  }

  private pairKey(attempt: AuthAttempt): string {
    return `${this.keyPrefix}:${attempt.address}:${attempt.credential}`;
  }

  /** INCR each key, starting its window on the first hit; undefined when Redis is away. */
  private async increment(keys: string[]): Promise<{ hits: number; ttlMs: number }[] | undefined> {
    const transaction = this.redis.multi();
    for (const key of keys) {
      transaction.set(key, 0, 'PX', this.windowMs, 'NX').incr(key).pttl(key);
    }
    try {
      const replies = (await transaction.exec()) ?? [];
      const failure = replies.find(([error]) => error)?.[0];
      if (failure) throw failure;
      if (this.failing) this.logger.log('Failed-authentication counters are back');
      this.failing = false;
      return keys.map((_, index) => ({
        hits: Number(replies[index * 3 + 1][1]),
        ttlMs: Math.max(0, Number(replies[index * 3 + 2][1])),
      }));
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          { err: error },
          'Failed-authentication counters unavailable; not throttling',
        );
      }
      this.failing = true;
      return undefined;
    }
  }

  private remember(pair: string, ttlMs: number): void {
    if (this.blockedUntil.size >= MAX_REMEMBERED_BLOCKS) this.blockedUntil.clear();
    this.blockedUntil.set(pair, Date.now() + ttlMs);
  }
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
