import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { hmacSha256, safeEqual } from '@core/crypto/hmac';
import { DomainError } from '@core/errors/domain-error';
import { REDIS } from '@core/redis/redis.module';
import { ChannelAccountConnector } from '@app/messaging/channel-accounts/channel-account.connector';
import type { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import type { TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';
import { TIKTOK_PROVIDER } from '@app/tiktok/send/tiktok.provider';
import { TikTokAuthApi, tiktokAppMissing } from './tiktok-auth.api';

/** Scopes asked for: profile (ownership, health), direct messages, comments. */
export const TIKTOK_SCOPES = [
  'user.info.basic',
  'user.info.username',
  'user.account.type',
  'message.list.read',
  'message.list.send',
  'message.list.manage',
  'comment.list',
  'comment.list.manage',
];
/** Without these no message can be sent: an authorisation lacking them is refused. */
const REQUIRED_SCOPES = ['message.list.send'];

/**
 * Business Messaging is unavailable to accounts registered in the EEA, Switzerland and the UK
 * (CONTRACT.md). ISO 3166-1 alpha-2; GB and UK both name the United Kingdom.
 */
export const EXCLUDED_REGIONS = new Set(
  (
    'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE ' +
    'IS LI NO CH GB UK'
  ).split(' '),
);

const STATE_TTL_SECONDS = 600;

interface StateClaims {
  tenantId: string;
  name: string;
  region: string;
  nonce: string;
  expiresAt: number;
}

/**
 * Connecting a TikTok Business account by OAuth. The authorisation starts with a state that is
 * signed (HMAC with the app secret), expires in 10 minutes, names the tenant and is good once
 * (its nonce is consumed in Redis): the callback, which carries no API key, trusts the tenant
 * only from there. The code is exchanged, the token must open the account it names
 * (`business/get/`), and the tokens are stored encrypted with the account.
 */
@Injectable()
export class TikTokOAuthService {
  constructor(
    private readonly auth: TikTokAuthApi,
    private readonly connector: ChannelAccountConnector,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  get redirectUri(): string {
    return `${this.config.http.publicBaseUrl}/api/v2/tiktok/oauth/callback`;
  }

  async start(
    tenantId: string,
    input: { name: string; registrationRegion: string },
  ): Promise<{ authorizeUrl: string; state: string; expiresAt: Date }> {
    const { appId, appSecret } = this.config.tiktok;
    if (!appId || !appSecret) throw tiktokAppMissing();
    const region = input.registrationRegion.toUpperCase();
    if (EXCLUDED_REGIONS.has(region)) {
      throw new DomainError(
        'TIKTOK.REGION_EXCLUDED',
        'unprocessable',
        `TikTok's Business Messaging API is not available to accounts registered in the EEA, ` +
          `Switzerland or the United Kingdom (${region}); this account cannot be connected`,
      );
    }
    const claims: StateClaims = {
      tenantId,
      name: input.name,
      region,
      nonce: randomBytes(16).toString('hex'),
      expiresAt: Date.now() + STATE_TTL_SECONDS * 1000,
    };
    await this.redis.set(this.nonceKey(claims.nonce), tenantId, 'EX', STATE_TTL_SECONDS);
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const state = `${payload}.${hmacSha256(appSecret, payload).toString('base64url')}`;
    const url = new URL(this.config.tiktok.authorizeUrl);
    url.searchParams.set('client_key', appId);
    url.searchParams.set('scope', TIKTOK_SCOPES.join(','));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('state', state);
    return { authorizeUrl: url.toString(), state, expiresAt: new Date(claims.expiresAt) };
  }

  async complete(code: string, state: string): Promise<ChannelAccountDto> {
    const claims = await this.consume(state);
    const { openId, credentials } = await this.auth.exchangeCode(code, this.redirectUri);
    if (!openId) throw refused('TikTok did not say which account was authorised');
    const granted = new Set((credentials.scope ?? '').split(/[ ,]+/));
    const missing = REQUIRED_SCOPES.filter((scope) => !granted.has(scope));
    if (credentials.scope && missing.length) {
      throw new DomainError(
        'TIKTOK.SCOPE_MISSING',
        'forbidden',
        `The authorisation lacks ${missing.join(', ')}: approve the messaging permission`,
      );
    }
    const stored: TikTokCredentials = { ...credentials, registrationRegion: claims.region };
    return this.connector.connect(claims.tenantId, {
      hub: 'tiktok',
      provider: TIKTOK_PROVIDER,
      name: claims.name,
      externalId: openId,
      credentials: stored,
    });
  }

  /** The state's claims, once: signature, expiry and a nonce not used before. */
  private async consume(state: string): Promise<StateClaims> {
    const secret = this.config.tiktok.appSecret;
    if (!secret) throw tiktokAppMissing();
    const [payload, signature] = state.split('.');
    if (!payload || !signature) throw refused('the state is malformed');
    if (!safeEqual(signature, hmacSha256(secret, payload).toString('base64url'))) {
      throw refused('the state was not issued here');
    }
    let claims: StateClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StateClaims;
    } catch {
      throw refused('the state is malformed');
    }
    if (!(claims.expiresAt > Date.now())) throw refused('the authorisation took too long');
    if ((await this.redis.del(this.nonceKey(claims.nonce))) !== 1) {
      throw refused('this authorisation was used already');
    }
    return claims;
  }

  private nonceKey(nonce: string): string {
    return `${this.config.redis.prefix}:tiktok:oauth-state:${nonce}`;
  }
}

function refused(detail: string): DomainError {
  return new DomainError(
    'TIKTOK.OAUTH_STATE_REFUSED',
    'unprocessable',
    `TikTok connect: ${detail}`,
  );
}
