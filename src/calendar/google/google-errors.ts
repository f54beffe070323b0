import type { PlatformErrorMapper, PlatformErrorResponse } from '@core/http/platform-call';
import { safePlatformMessage } from '@core/http/error-body';
import { PlatformError } from '@core/errors/platform-error';

/** Reasons Google documents as "slow down and retry" though they arrive as 403 (guides/errors). */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** The first `errors[].reason` of Calendar's envelope, or OAuth's `error` string. */
export function googleReason(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  const errors = (error as { errors?: Array<{ reason?: unknown }> } | undefined)?.errors;
  const reason = errors?.[0]?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * Google's answers read by their documented reason: the rate-limit 403s are retryable rate
 * limits (not credentials problems), and the reason is kept as the platform code so callers can
 * tell `conditionNotMet` (412), `fullSyncRequired` (410) and `invalid_grant` apart.
 */
export const googleErrorMapper: PlatformErrorMapper = (
  response: PlatformErrorResponse,
  generic: PlatformError,
) => {
  const reason = googleReason(response.body);
  if (!reason) return generic;
  if (RATE_LIMIT_REASONS.has(reason)) {
    return new PlatformError(
      response.hub,
      response.operation,
      'rate-limited',
      `${response.hub} ${response.operation}: Google answered ${reason}`,
      { status: response.status, platformCode: reason, retryAfterMs: generic.retryAfterMs },
    );
  }
  return new PlatformError(generic.hub, generic.operation, generic.failure, generic.message, {
    ...generic.details,
    platformCode: reason,
  });
};

/** Google's own message from a permanent failure, for the caller to fix its request. */
export function googleMessage(error: PlatformError): string {
  return safePlatformMessage(error.message);
}
