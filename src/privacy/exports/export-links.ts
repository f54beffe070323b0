import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { hmacSha256, safeEqual } from '@core/crypto/hmac';
import { KeyRing } from '@core/crypto/key-ring';

export interface ExportLinkParams {
  expires: string;
  kid: string;
  signature: string;
}

/**
 * Signed, expiring download links for exports: whoever holds the link may download until it
 * expires, without an API key (the tenant hands it to the data subject). HMAC-SHA256 under a
 * key derived from SECRETS_KEYS for this one purpose; the key id travels in the link, so links
 * issued before a key rotation keep working while the old key stays in the ring.
 */
@Injectable()
export class ExportLinks {
  private readonly ring: KeyRing;
  private readonly baseUrl: string;

  constructor(config: AppConfig) {
    this.ring = KeyRing.parse(config.secrets.keyRing);
    this.baseUrl = config.http.publicBaseUrl;
  }

  link(requestId: string, expiresAt: Date): string {
    const expires = String(Math.floor(expiresAt.getTime() / 1000));
    const kid = this.ring.currentKeyId;
    const signature = this.sign(kid, requestId, expires) as string;
    const query = new URLSearchParams({ expires, kid, signature });
    return `${this.baseUrl}/api/v2/privacy/exports/${requestId}?${query.toString()}`;
  }

  /** True when the link is authentic and has not expired. */
  verify(requestId: string, params: Partial<ExportLinkParams>, now = Date.now()): boolean {
    const { expires, kid, signature } = params;
    if (!expires || !kid || !signature || !/^\d{1,12}$/.test(expires)) return false;
    if (Number(expires) * 1000 <= now) return false;
    const expected = this.sign(kid, requestId, expires);
    return expected !== undefined && safeEqual(expected, signature);
  }

  private sign(kid: string, requestId: string, expires: string): string | undefined {
    const key = this.ring.key(kid);
    if (!key) return undefined;
    const derived = hmacSha256(key, 'omnihub privacy export link v1');
    return hmacSha256(derived, `${requestId}.${expires}`).toString('hex');
  }
}
