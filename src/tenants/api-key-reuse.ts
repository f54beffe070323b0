import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { AnnouncedReuse } from '@core/caching/announced-reuse';
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
 * failed-authentication limiter answers guessing). A change that may end a key's access (a
 * revocation, a tenant's suspension) is announced to every instance (AnnouncedReuse).
 */
@Injectable()
export class ApiKeyReuse {
  private readonly reused: AnnouncedReuse<ResolvedApiKey | null>;

  constructor(broadcasts: RedisBroadcasts, config: AppConfig) {
    this.reused = new AnnouncedReuse(broadcasts, TOPIC, config.auth.apiKeyCacheMs, MAX_REUSED_KEYS);
  }

  /** The key behind `keyHash`, reused when it was read moments ago, else `read`. */
  resolve(
    keyHash: string,
    read: () => Promise<ResolvedApiKey | null>,
  ): Promise<ResolvedApiKey | null> {
    return this.reused.get(keyHash, read, (key) => key !== null);
  }

  /** After a committed change that may have ended some key's access. */
  changed(): Promise<void> {
    return this.reused.changed();
  }
}
