import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';
import type { TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';

/** `/tt_user/oauth2/token/` and `/refresh_token/` answer `data` in this shape. */
interface TokenAnswer {
  open_id?: string;
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope?: string;
}

export interface IssuedTokens {
  openId?: string;
  credentials: Pick<
    TikTokCredentials,
    'accessToken' | 'refreshToken' | 'accessTokenExpiresAt' | 'refreshTokenExpiresAt' | 'scope'
  >;
}

/**
 * TikTok's OAuth endpoints for TikTok account holders (API for Business, `tt_user`). Lifetimes
 * come from each answer's `expires_in` / `refresh_token_expires_in`, never assumed.
 */
@Injectable()
export class TikTokAuthApi {
  constructor(
    private readonly client: TikTokBusinessClient,
    private readonly config: AppConfig,
  ) {}

  async exchangeCode(authCode: string, redirectUri: string): Promise<IssuedTokens> {
    const data = await this.client.call<TokenAnswer>({
      operation: 'exchange_code',
      method: 'POST',
      path: 'tt_user/oauth2/token/',
      json: {
        ...this.app(),
        grant_type: 'authorization_code',
        auth_code: authCode,
        redirect_uri: redirectUri,
      },
    });
    return issued(data, 'exchange_code');
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const data = await this.client.call<TokenAnswer>({
      operation: 'refresh_token',
      method: 'POST',
      path: 'tt_user/oauth2/refresh_token/',
      json: { ...this.app(), grant_type: 'refresh_token', refresh_token: refreshToken },
    });
    return issued(data, 'refresh_token');
  }

  private app(): { client_id: string; client_secret: string } {
    const { appId, appSecret } = this.config.tiktok;
    if (!appId || !appSecret) throw tiktokAppMissing();
    return { client_id: appId, client_secret: appSecret };
  }
}

export function tiktokAppMissing(): DomainError {
  return new DomainError(
    'TIKTOK.APP_NOT_CONFIGURED',
    'unavailable',
    'TikTok is not configured here: set TIKTOK_APP_ID and TIKTOK_APP_SECRET',
  );
}

function issued(data: TokenAnswer, operation: string): IssuedTokens {
  const { access_token, refresh_token, expires_in } = data;
  if (!access_token || !refresh_token || typeof expires_in !== 'number') {
    throw new DomainError(
      'TIKTOK.TOKEN_ANSWER_INCOMPLETE',
      'unavailable',
      `TikTok's ${operation} answer lacked a token or its lifetime`,
    );
  }
  const now = Date.now();
  return {
    openId: data.open_id,
    credentials: {
      accessToken: access_token,
      refreshToken: refresh_token,
      accessTokenExpiresAt: new Date(now + expires_in * 1000).toISOString(),
      ...(typeof data.refresh_token_expires_in === 'number'
        ? {
            refreshTokenExpiresAt: new Date(
              now + data.refresh_token_expires_in * 1000,
            ).toISOString(),
          }
        : {}),
      ...(data.scope ? { scope: data.scope } : {}),
    },
  };
}
