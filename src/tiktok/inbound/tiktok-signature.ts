import { hmacSha256, safeEqual } from '@core/crypto/hmac';

/** Why a delivery was refused (for logs and metrics; the platform only sees 401). */
export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch' | 'stale';

/**
 * TikTok's webhook signature: `Tiktok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256>` of
 * `"{t}.{raw body}"` keyed with the app secret (developers.tiktok.com "Check the signature").
 * The timestamp is signed, so a replay cannot refresh it: deliveries further than
 * `toleranceSeconds` from our clock are refused. Compared timing-safe; several `s=` entries are
 * accepted (any one may match), as the header format allows.
 */
export function verifyTikTokSignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  toleranceSeconds: number,
  nowMs: number,
): SignatureVerdict {
  if (!header) return 'missing';
  if (!secret) return 'mismatch';
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at < 0) continue;
    const [prefix, value] = [element.slice(0, at).trim(), element.slice(at + 1).trim()];
    if (prefix === 't') timestamp = value;
    if (prefix === 's') signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return 'malformed';
  const expected = hmacSha256(
    secret,
    Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]),
  ).toString('hex');
  // Every entry is compared, so the time taken says nothing about which one matched.
  const matched = signatures
    .map((signature) => safeEqual(signature.toLowerCase(), expected))
    .some(Boolean);
  if (!matched) return 'mismatch';
  return Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds ? 'stale' : 'valid';
}

/** The header a TikTok delivery of `rawBody` carries at `timestamp` (tests and the fake). */
export function signTikTokWebhook(rawBody: string, secret: string, timestamp: number): string {
  const signature = hmacSha256(secret, `${timestamp}.${rawBody}`).toString('hex');
  return `t=${timestamp},s=${signature}`;
}
