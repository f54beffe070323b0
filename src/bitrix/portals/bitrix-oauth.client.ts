import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { bitrixErrorMapper } from '../rest/bitrix-errors';
import type { PortalGrant } from './bitrix-portal';

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number | string;
  client_endpoint: string;
  member_id: string;
}

/** The application that talks to a portal: its own client id/secret, or the configured one. */
export interface PortalClient {
  clientId: string;
  clientSecret: string;
}

/**
 * Bitrix24's OAuth server (`<BITRIX_OAUTH_URL>token/`): authorization-code and refresh-token
 * grants, parameters in the query string as Bitrix24's documentation shows them.
 */
@Injectable()
export class BitrixOAuthClient {
  constructor(
    private readonly http: PlatformHttpClient,
    private readonly config: AppConfig,
  ) {}

  refresh(client: PortalClient, refreshToken: string): Promise<PortalGrant> {
    return this.grant('refresh_token', client, { refresh_token: refreshToken });
  }

  exchangeCode(client: PortalClient, code: string): Promise<PortalGrant> {
    return this.grant('authorization_code', client, { code });
  }

  private async grant(
    grantType: string,
    client: PortalClient,
    extra: Record<string, string>,
  ): Promise<PortalGrant> {
    const { body } = await this.http.request<TokenAnswer>({
      hub: 'bitrix',
      operation: grantType === 'refresh_token' ? 'refresh_token' : 'exchange_code',
      baseUrl: this.config.bitrix.oauthUrl,
      method: 'GET',
      path: 'token/',
      query: {
        grant_type: grantType,
        client_id: client.clientId,
        client_secret: client.clientSecret,
        ...extra,
      },
      errorMapper: bitrixErrorMapper,
    });
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: Number(body.expires_in) || 3600,
      clientEndpoint: body.client_endpoint,
      memberId: body.member_id,
    };
  }
}
