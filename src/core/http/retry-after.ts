/**
 * `Retry-After` in milliseconds: either delta-seconds (`7`) or an HTTP-date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`), RFC 9110 §10.2.3. Unreadable values give `undefined`
 * (the caller's own backoff applies); dates in the past give 0.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  if (Number.isNaN(at) || !/[a-z]/i.test(raw)) return undefined;
  return Math.max(0, at - nowMs);
}
