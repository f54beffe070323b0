import { PlatformError, PlatformFailure } from '@core/errors/platform-error';
import { readErrorBody, safePlatformMessage } from './error-body';
import type { PlatformErrorResponse } from './platform-call';
import { parseRetryAfter } from './retry-after';

/**
 * The generic reading of a non-2xx answer, before any platform-specific mapper refines it:
 * 429 is a rate limit (with Retry-After), 408 and 5xx are worth retrying, 401/403 mean the
 * credentials are wrong, 404 is not found, and every other answer is a permanent rejection.
 */
export function classifyErrorResponse(
  response: PlatformErrorResponse,
  nowMs: number,
): PlatformError {
  const { hub, operation, status } = response;
  const { message, code } = readErrorBody(response.body);
  const detail =
    `${hub} ${operation} failed with HTTP ${status}` +
    (message ? `: ${safePlatformMessage(message)}` : '');
  return new PlatformError(hub, operation, failureOf(status), detail, {
    status,
    platformCode: code,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs),
  });
}

function failureOf(status: number): PlatformFailure {
  if (status === 429) return 'rate-limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  return 'rejected';
}
