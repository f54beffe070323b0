import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The verification recipe documented in the README, as a tenant's receiver runs it: HMAC-SHA256
 * of `<timestamp>.<raw body>` under the secret, compared in constant time with the `v1=` value,
 * and a timestamp no older than five minutes (against replays).
 */
export function verifyOmnihubWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  toleranceSeconds = 300,
): boolean {
  const timestamp = String(headers['omnihub-webhook-timestamp'] ?? '');
  const signature = String(headers['omnihub-webhook-signature'] ?? '');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  const given = signature.replace(/^v1=/, '');
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}
