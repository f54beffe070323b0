import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { JWTPayload, JWTVerifyOptions, createRemoteJWKSet, jwtVerify } from 'jose';
import { UnauthenticatedError } from '@core/errors/domain-error';

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies frontend JWTs: HS256 with `JWT_SECRET`, or the asymmetric keys published at
 * `JWT_JWKS_URL` (fetched, cached and refreshed by jose). Issuer and audience are checked when set.
 * Every token must expire, within JWT_MAX_AGE_SECONDS: a token without `exp` would be a
 * credential nobody can revoke (there is no JWT deny-list), as lasting as an API key.
 */
@Injectable()
export class JwtVerifier {
  private readonly verifyToken?: (token: string) => Promise<JWTPayload>;
  private readonly maxAgeSeconds: number;

  constructor(private readonly config: AppConfig) {
    const { secret, jwksUrl, issuer, audience, maxAgeSeconds } = config.auth.jwt;
    this.maxAgeSeconds = maxAgeSeconds;
    const common: JWTVerifyOptions = {
      issuer,
      audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    };
    if (jwksUrl) {
      const keys = createRemoteJWKSet(new URL(jwksUrl), {
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      });
      const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
      this.verifyToken = async (token) =>
        (await jwtVerify(token, keys, { ...common, algorithms })).payload;
    } else if (secret) {
      const key = new TextEncoder().encode(secret);
      this.verifyToken = async (token) =>
        (await jwtVerify(token, key, { ...common, algorithms: ['HS256'] })).payload;
    }
  }

  /** Returns the tenant id claimed by a valid token; throws UnauthenticatedError otherwise. */
  async verify(token: string): Promise<{ tenantId: string; subject?: string }> {
    if (!this.verifyToken) {
      throw new UnauthenticatedError('JWT authentication is not configured', 'AUTH.JWT_DISABLED');
    }
    const payload = await this.verifyToken(token).catch(() => {
      throw new UnauthenticatedError('Invalid or expired token', 'AUTH.INVALID_TOKEN');
    });
    if (this.lifetimeSeconds(payload) > this.maxAgeSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw new UnauthenticatedError(
        `Token lives longer than the ${this.maxAgeSeconds} s this service accepts`,
        'AUTH.INVALID_TOKEN',
      );
    }
    const claim = this.config.auth.jwt.tenantClaim;
    const tenantId = payload[claim];
    if (typeof tenantId !== 'string' || tenantId.length === 0) {
      throw new UnauthenticatedError(`Token has no "${claim}" claim`, 'AUTH.INVALID_TOKEN');
    }
    return { tenantId, subject: payload.sub };
  }

  /**
   * The longer of the lifetime the issuer granted (`exp - iat`) and what is left (`exp - now`):
   * the first catches long-lived tokens near their end, the second a missing or future `iat`.
   */
  private lifetimeSeconds(payload: JWTPayload): number {
    const exp = payload.exp!; // required by jwtVerify (requiredClaims)
    const now = Math.floor(Date.now() / 1000);
    return exp - Math.min(payload.iat ?? now, now);
  }
}
