import { randomBytes } from 'node:crypto';
import { hmacSha256 } from './hmac';

/** Prefix of a secret: tells a leaked string's origin at a glance (and to secret scanners). */
const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, shown to its owner once. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed by the whole secret string. The
 * timestamp is signed with the body so a receiver can refuse old deliveries (replays); the
 * version prefix lets a later scheme be sent beside this one. Shared by tenant webhooks and
 * alert webhooks, so receivers verify both with one recipe.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${hmacSha256(secret, `${timestampSeconds}.${body}`).toString('hex')}`;
}
