import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';

/** What a live key of an active tenant resolves to. */
export interface ResolvedApiKey {
  tenantId: string;
  apiKeyId: string;
}

/** Announced when a change may have ended some key's access. */
const TOPIC = 'api-keys.changed';
/** Keys kept at most; past it the reuse starts over. */
const MAX_REUSED_KEYS = 10_000;

/**
 * What a presented API key resolved to, reused for API_KEY_CACHE_MS: asking PostgreSQL on
 * every API request was a round trip and a commit of its own (one in six of an accepted
 * send's). Only live keys are kept (an unknown key is asked about every time, and the
 * failed-authentication limiter answers guessing).
 *
 * A change that may end a key's access (a revocation, a tenant's suspension) drops every kept
 * key here and is announced to the other instances, which drop theirs (`changed`, after the
 * change committed). An instance that cannot hear announcements (its Redis subscription
 * down) keeps nothing: it asks PostgreSQL every time and starts afresh once it hears again.
 * A read that began before a change is not kept after it (the generation moved on).
 */
@Injectable()
export class ApiKeyReuse {
  private readonly logger = new Logger(ApiKeyReuse.name);
  private readonly kept = new Map<string, { until: number; key: ResolvedApiKey }>();
  private readonly reuseMs: number;
  private generation = 0;

  constructor(
    private readonly broadcasts: RedisBroadcasts,
    config: AppConfig,
  ) {
    this.reuseMs = config.auth.apiKeyCacheMs;
    broadcasts.on(TOPIC, () => this.forget());
    broadcasts.onSilence(() => this.forget());
  }

  /** The key behind `keyHash`, reused when it was read moments ago, else `read`. */
  async resolve(
    keyHash: string,
    read: () => Promise<ResolvedApiKey | null>,
  ): Promise<ResolvedApiKey | null> {
    if (this.reuseMs === 0 || !this.broadcasts.listening) return read();
    const now = Date.now();
    const kept = this.kept.get(keyHash);
    if (kept && kept.until > now) return kept.key;
    const generation = this.generation;
    const key = await read();
    if (!key || generation !== this.generation || !this.broadcasts.listening) return key;
    if (this.kept.size >= MAX_REUSED_KEYS) this.kept.clear();
    this.kept.set(keyHash, { until: now + this.reuseMs, key });
    return key;
  }

  /**
   * After a committed change that may have ended some key's access: drops every kept key here
   * and tells the other instances to. Not announced (Redis away): they drop theirs within
   * API_KEY_CACHE_MS, or at once if their subscription is down too (they keep nothing then).
   */
  async changed(): Promise<void> {
    this.forget();
    try {
      await this.broadcasts.publish(TOPIC, null);
    } catch (error) {
      this.logger.warn(
        { reason: (error as Error).message, withinMs: this.reuseMs },
        'Could not announce an API key change; other instances see it once their reuse ends',
      );
    }
  }

  private forget(): void {
    this.generation += 1;
    this.kept.clear();
  }
}
