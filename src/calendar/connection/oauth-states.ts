import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@config/app-config';
import { SecretBox } from '@core/crypto/secret-box';
import { REDIS } from '@core/redis/redis.module';

const STATE_CONTEXT = 'calendar.oauth-state';

export interface IssuedState {
  state: string;
  codeChallenge: string;
}

/** Why a callback's state was refused (the frontend learns the reason, never a tenant). */
export type StateRefusal = 'forged' | 'expired' | 'replayed';

/**
 * The OAuth `state` of the connect flow. It is sealed by SecretBox (authenticated encryption:
 * nobody without our keys can make one, or read the tenant in it) and names a single-use nonce
 * kept in Redis with the PKCE verifier; GETDEL consumes the nonce atomically, so of two
 * callbacks with the same state exactly one gets through.
 */
@Injectable()
export class OAuthStates {
  private readonly prefix: string;

  constructor(
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.prefix = `${config.redis.prefix}:calendar:oauth-state`;
  }

  async issue(tenantId: string, codeVerifier: string, codeChallenge: string): Promise<IssuedState> {
    const nonce = randomBytes(18).toString('base64url');
    const ttl = this.config.calendar.stateTtlSeconds;
    const expiresAt = Date.now() + ttl * 1000;
    await this.redis.set(
      `${this.prefix}:${nonce}`,
      JSON.stringify({ tenantId, codeVerifier }),
      'EX',
      ttl,
    );
    const state = this.box.seal(
      JSON.stringify({ n: nonce, t: tenantId, e: expiresAt }),
      STATE_CONTEXT,
    );
    return { state, codeChallenge };
  }

  async consume(
    state: string,
  ): Promise<{ tenantId: string; codeVerifier: string } | { refused: StateRefusal }> {
    let claims: { n: string; t: string; e: number };
    try {
      claims = JSON.parse(this.box.open(state, STATE_CONTEXT)) as typeof claims;
    } catch {
      return { refused: 'forged' };
    }
    if (Date.now() > claims.e) return { refused: 'expired' };
    const stored = await this.redis.getdel(`${this.prefix}:${claims.n}`);
    if (!stored) return { refused: 'replayed' };
    const kept = JSON.parse(stored) as { tenantId: string; codeVerifier: string };
    if (kept.tenantId !== claims.t) return { refused: 'forged' };
    return kept;
  }
}
