import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/**
 * Constant-time equality for secrets and signatures. Both sides are hashed first, so the
 * comparison takes the same time whatever the lengths and never returns early on a length
 * mismatch (which would leak the expected length).
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Checks a `<prefix><hex HMAC-SHA256 of the raw body>` header, as Meta sends in
 * `X-Hub-Signature-256: sha256=<hex>`. A missing, malformed or wrong header is simply false;
 * so is an empty secret, because a signature under an empty key proves nothing.
 */
export function verifySha256Signature(
  header: string | undefined,
  secret: string,
  rawBody: Buffer,
  prefix = 'sha256=',
): boolean {
  if (!header || !secret || !header.startsWith(prefix)) return false;
  const hex = header.slice(prefix.length);
  if (!HEX_SHA256.test(hex)) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), hmacSha256(secret, rawBody));
}
