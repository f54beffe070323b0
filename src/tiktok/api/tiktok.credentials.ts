import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';

/**
 * What a TikTok channel account holds (decrypted). Its `externalId` is the TikTok Business
 * account's `open_id` (the `business_id` of every call, the `user_openid` of its webhooks).
 * - `accessToken` / `refreshToken`: from `/tt_user/oauth2/token/`, replaced on every refresh
 *   (TikTok rotates the refresh token: the newest one is always the one stored).
 * - `accessTokenExpiresAt` / `refreshTokenExpiresAt`: ISO instants computed from the answer's
 *   `expires_in` / `refresh_token_expires_in` (never assumed: TikTok has changed them before).
 * - `scope`: the scopes the account holder granted.
 * - `registrationRegion`: ISO 3166 code the tenant declared when connecting (excluded regions
 *   are refused before OAuth starts).
 */
export type TikTokCredentials = {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt?: string;
  scope?: string;
  username?: string;
  registrationRegion?: string;
};

export type TikTokAccount = ChannelAccountRef<TikTokCredentials>;

export const TIKTOK_CREDENTIALS: ChannelCredentials<TikTokCredentials> = {
  parse(raw, account) {
    const accessToken = textField(raw, 'accessToken');
    const refreshToken = textField(raw, 'refreshToken');
    if (!accessToken || !refreshToken) {
      throw unusableCredential(account, 'auth', 'TikTok access and refresh tokens');
    }
    const accessTokenExpiresAt = textField(raw, 'accessTokenExpiresAt');
    if (!accessTokenExpiresAt || Number.isNaN(Date.parse(accessTokenExpiresAt))) {
      throw unusableCredential(account, 'auth', 'TikTok access token expiry');
    }
    const optional = (field: keyof TikTokCredentials) => {
      const value = textField(raw, field);
      return value ? { [field]: value } : {};
    };
    return {
      accessToken,
      refreshToken,
      accessTokenExpiresAt,
      ...optional('refreshTokenExpiresAt'),
      ...optional('scope'),
      ...optional('username'),
      ...optional('registrationRegion'),
    };
  },
};
