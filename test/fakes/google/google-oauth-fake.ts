import { createHash, randomBytes } from 'node:crypto';
import type { FakeHttpServer, RecordedRequest } from '@test/fakes/fake-http-server';
import { oauthError } from './google-errors';

export interface GoogleFakeClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge?: string;
  offline: boolean;
}

/**
 * Google's OAuth 2.0 for web server apps (CONTRACT.md): the consent page is the test's
 * `consent(url)` (a browser approving), the token endpoint exchanges single-use codes (PKCE S256
 * checked) and refresh tokens, the revoke endpoint ends a grant. Access tokens live
 * `accessTokenTtlSeconds`; `expireAccessTokens()` ages them all at once.
 */
export class GoogleOAuthFake {
  private readonly codes = new Map<string, IssuedCode>();
  /** refresh token → its grant's scope; deleted when revoked. */
  private readonly refreshTokens = new Map<string, string>();
  /** access token → refresh token it came from. */
  private readonly accessTokens = new Map<string, string>();
  accessTokenTtlSeconds = 3599;

  constructor(
    server: FakeHttpServer,
    private readonly client: GoogleFakeClient,
  ) {
    server.reply('POST', '/token', (request) => this.token(request));
    server.reply('POST', '/revoke', (request) => this.revoke(request));
  }

  /** The user approves the consent URL: returns the query Google redirects the browser with. */
  consent(authUrl: string): { code: string; state: string } {
    const query = new URL(authUrl).searchParams;
    if (query.get('client_id') !== this.client.clientId) throw new Error('unknown client_id');
    if (query.get('redirect_uri') !== this.client.redirectUri) {
      throw new Error('redirect_uri_mismatch');
    }
    if (query.get('response_type') !== 'code') throw new Error('unsupported response_type');
    const method = query.get('code_challenge_method');
    if (query.get('code_challenge') && method !== 'S256') throw new Error('PKCE must be S256');
    const code = `4/0A${randomBytes(18).toString('base64url')}`;
    this.codes.set(code, {
      clientId: this.client.clientId,
      redirectUri: this.client.redirectUri,
      scope: query.get('scope') ?? '',
      challenge: query.get('code_challenge') ?? undefined,
      offline: query.get('access_type') === 'offline',
    });
    return { code, state: query.get('state') ?? '' };
  }

  /** Every access token issued so far stops working (as after its hour is up). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** The user removed the app's access in their Google account: refreshes answer invalid_grant. */
  revokeAll(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  isValidAccessToken(token: string): boolean {
    return this.accessTokens.has(token);
  }

  /** Refresh tokens still valid (not revoked). */
  liveRefreshTokens(): string[] {
    return [...this.refreshTokens.keys()];
  }

  private token(request: RecordedRequest) {
    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return oauthError(
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    }
    if (
      form.get('client_id') !== this.client.clientId ||
      form.get('client_secret') !== this.client.clientSecret
    ) {
      return oauthError('invalid_client', 'The OAuth client was not found.', 401);
    }
    switch (form.get('grant_type')) {
      case 'authorization_code':
        return this.exchange(form);
      case 'refresh_token': {
        const refreshToken = form.get('refresh_token') ?? '';
        const scope = this.refreshTokens.get(refreshToken);
        if (scope === undefined)
          return oauthError('invalid_grant', 'Token has been expired or revoked.');
        return { body: this.issue(refreshToken, scope, false) };
      }
      default:
        return oauthError('unsupported_grant_type', 'Invalid grant_type');
    }
  }

  private exchange(form: URLSearchParams) {
    const code = form.get('code') ?? '';
    const issued = this.codes.get(code);
    // A code is single-use: a second exchange answers invalid_grant.
    this.codes.delete(code);
    if (!issued) return oauthError('invalid_grant', 'Malformed auth code.');
    if (form.get('redirect_uri') !== issued.redirectUri) {
      return oauthError('redirect_uri_mismatch', 'Bad Request');
    }
    if (issued.challenge) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (computed !== issued.challenge)
        return oauthError('invalid_grant', 'Invalid code verifier.');
    }
    const refreshToken = `1//0${randomBytes(24).toString('base64url')}`;
    if (issued.offline) this.refreshTokens.set(refreshToken, issued.scope);
    return { body: this.issue(refreshToken, issued.scope, issued.offline) };
  }

  private issue(refreshToken: string, scope: string, withRefreshToken: boolean) {
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, refreshToken);
    return {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      scope,
      token_type: 'Bearer',
      ...(withRefreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  private revoke(request: RecordedRequest) {
    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    const token = form.get('token') ?? String(request.query.token ?? '');
    const refreshToken = this.refreshTokens.has(token) ? token : this.accessTokens.get(token);
    if (refreshToken === undefined || !this.refreshTokens.has(refreshToken)) {
      return oauthError('invalid_token', 'Token expired or revoked');
    }
    // Revoking either token ends the whole grant (Google: "revokes the refresh token too").
    this.refreshTokens.delete(refreshToken);
    for (const [access, from] of this.accessTokens) {
      if (from === refreshToken) this.accessTokens.delete(access);
    }
    return { status: 200, body: {} };
  }
}
