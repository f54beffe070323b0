import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { BriefReuse } from '@core/caching/brief-reuse';
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
 * A read that began before a change is not kept after it (BriefReuse).
 */
@Injectable()
export class ApiKeyReuse {
  private readonly logger = new Logger(ApiKeyReuse.name);
  private readonly reused: BriefReuse<ResolvedApiKey | null>;

  constructor(
    private readonly broadcasts: RedisBroadcasts,
    config: AppConfig,
  ) {
    this.reused = new BriefReuse(config.auth.apiKeyCacheMs, MAX_REUSED_KEYS);
    broadcasts.on(TOPIC, () => this.reused.forget());
    broadcasts.onSilence(() => this.reused.forget());
  }

  /** The key behind `keyHash`, reused when it was read moments ago, else `read`. */
  resolve(
    keyHash: string,
    read: () => Promise<ResolvedApiKey | null>,
  ): Promise<ResolvedApiKey | null> {
    return this.reused.get(keyHash, read, {
      keep: (key) => key !== null,
      enabled: () => this.broadcasts.listening,
    });
  }

  /**
   * After a committed change that may have ended some key's access: drops every kept key here
   * and tells the other instances to. Not announced (Redis away): they drop theirs within
   * API_KEY_CACHE_MS, or at once if their subscription is down too (they keep nothing then).
   */
  async changed(): Promise<void> {
    this.reused.forget();
    try {
      await this.broadcasts.publish(TOPIC, null);
    } catch (error) {
      this.logger.warn(
        { reason: (error as Error).message },
        'Could not announce an API key change; other instances see it once their reuse ends',
      );
    }
  }
}
