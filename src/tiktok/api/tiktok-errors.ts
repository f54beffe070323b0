import { PlatformError, PlatformFailure } from '@core/errors/platform-error';

/**
 * TikTok API for Business answers most failures with HTTP 200 and a non-zero `code` in its
 * `{ code, message, request_id, data }` envelope (test/fakes/tiktok/CONTRACT.md). What each
 * code means for the caller: retry (rate limit, TikTok's own faults) or fail now with the code.
 */
const KNOWN: Readonly<Record<number, { failure: PlatformFailure; meaning: string }>> = {
  40001: { failure: 'rejected', meaning: 'the app or account lacks permission for this call' },
  40002: { failure: 'rejected', meaning: 'a parameter was refused' },
  40007: { failure: 'not-found', meaning: 'the object does not exist' },
  // Direct-message rules: outside the reply window, over the reply count, or the account's
  // daily conversation cap. Retrying cannot help until the person writes again.
  40064: { failure: 'rejected', meaning: 'blocked by TikTok direct-message rules' },
  40100: { failure: 'rate-limited', meaning: 'too many requests' },
  40104: { failure: 'auth', meaning: 'the access token is missing' },
  40105: { failure: 'auth', meaning: 'the access token is invalid, expired or revoked' },
  40131: { failure: 'rejected', meaning: 'the authorisation code is expired or used' },
  40908: { failure: 'rejected', meaning: 'the file type is not supported' },
};

/** Back-off TikTok asks nothing specific for: a short wait keeps under its 10 QPS. */
const RATE_LIMIT_WAIT_MS = 1_000;

export function tiktokError(operation: string, code: number, status = 200): PlatformError {
  const known = KNOWN[code];
  // 5xxxx codes are TikTok's own faults (51065 "system error" and the like): worth a retry.
  const failure: PlatformFailure = known?.failure ?? (code >= 50000 ? 'server' : 'rejected');
  // TikTok's `message` may quote what was sent; only the code and our own wording go out.
  return new PlatformError(
    'tiktok',
    operation,
    failure,
    `tiktok ${operation}: code ${code} (${known?.meaning ?? 'TikTok refused the call'})`,
    {
      status,
      platformCode: String(code),
      ...(failure === 'rate-limited' ? { retryAfterMs: RATE_LIMIT_WAIT_MS } : {}),
    },
  );
}
