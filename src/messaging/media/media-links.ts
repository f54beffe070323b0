import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { hmacSha256, safeEqual } from '@core/crypto/hmac';
import { KeyRing } from '@core/crypto/key-ring';

/** What a verified media link names: one message of one tenant. */
export interface MediaLinkClaim {
  readonly tenantId: string;
  readonly messageId: string;
}

/** The query of a media link (the message id is its path). */
export interface MediaLinkParams {
  tenant: string;
  expires: string;
  kid: string;
  signature: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const EXPIRES = /^\d{1,12}$/;

/**
 * Signed, expiring links to a received message's media, for platforms that fetch files by URL
 * (a Bitrix24 open line) and so hold no API key. A link names tenant, message and expiry and
 * carries an HMAC-SHA256 of all three under a key derived from SECRETS_KEYS for this one
 * purpose, so a link cannot be stretched, moved to another message or to another tenant's
 * message. The key id travels in the token: links issued before a rotation keep working while
 * the old key stays in the ring.
 *
 * Link: `/api/v2/media/<messageId>?tenant=<tenantId>&expires=<unix s>&kid=<key id>&signature=…`
 * (the same shape as an export's link; the path stays short of the router's parameter limit).
 */
@Injectable()
export class MediaLinks {
  private readonly ring: KeyRing;
  private readonly baseUrl: string;
  private readonly ttlMs: number;

  constructor(config: AppConfig) {
    this.ring = KeyRing.parse(config.secrets.keyRing);
    this.baseUrl = config.http.publicBaseUrl;
    this.ttlMs = config.mediaLinks.ttlSeconds * 1000;
  }

  /** The URL of the message's media, valid for MEDIA_LINK_TTL_SECONDS from `now`. */
  link(claim: MediaLinkClaim, now = Date.now()): string {
    const expires = String(Math.floor((now + this.ttlMs) / 1000));
    const kid = this.ring.currentKeyId;
    const signature = this.sign(kid, claim, expires) as string;
    const query = new URLSearchParams({ tenant: claim.tenantId, expires, kid, signature });
    return `${this.baseUrl}/api/v2/media/${claim.messageId}?${query.toString()}`;
  }

  /** What the link names when it is authentic and unexpired; null otherwise. */
  verify(
    messageId: string,
    params: Partial<MediaLinkParams>,
    now = Date.now(),
  ): MediaLinkClaim | null {
    const { tenant: tenantId, expires, kid, signature } = params;
    if (typeof tenantId !== 'string' || typeof signature !== 'string') return null;
    if (typeof expires !== 'string' || typeof kid !== 'string') return null;
    if (!UUID.test(tenantId) || !UUID.test(messageId)) return null;
    if (!EXPIRES.test(expires) || !KID.test(kid)) return null;
    if (Number(expires) * 1000 <= now) return null;
    const expected = this.sign(kid, { tenantId, messageId }, expires);
    if (expected === undefined || !safeEqual(expected, signature)) return null;
    return { tenantId, messageId };
  }

  private sign(kid: string, claim: MediaLinkClaim, expires: string): string | undefined {
    const key = this.ring.key(kid);
    if (!key) return undefined;
    const derived = hmacSha256(key, 'omnihub media link v1');
    return hmacSha256(derived, `${claim.tenantId}.${claim.messageId}.${expires}`).toString(
      'base64url',
    );
  }
}
