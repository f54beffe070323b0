import type { FakeResponse } from '@test/fakes/fake-http-server';

/**
 * Calendar v3's error envelope (CONTRACT.md): `{ error: { errors: [{ domain, reason, message,
 * locationType?, location? }], code, message } }`, the HTTP status repeated in `code`.
 */
export function calendarError(
  status: number,
  reason: string,
  message: string,
  extra: { domain?: string; location?: string; locationType?: string } = {},
): FakeResponse {
  const { domain = 'global', ...where } = extra;
  return {
    status,
    body: { error: { errors: [{ domain, reason, message, ...where }], code: status, message } },
  };
}

/** The answers Google documents for Calendar (guides/errors), by name, for `failNext`. */
export const CALENDAR_ERRORS = {
  authError: () =>
    calendarError(401, 'authError', 'Invalid Credentials', {
      locationType: 'header',
      location: 'Authorization',
    }),
  userRateLimitExceeded: () =>
    calendarError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', {
      domain: 'usageLimits',
    }),
  rateLimitExceeded: () =>
    calendarError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' }),
  tooManyRequests: () =>
    calendarError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' }),
  backendError: () => calendarError(500, 'backendError', 'Backend Error'),
  unavailable: () => calendarError(503, 'backendError', 'Service Unavailable'),
  notFound: () => calendarError(404, 'notFound', 'Not Found'),
  conditionNotMet: () =>
    calendarError(412, 'conditionNotMet', 'Precondition Failed', {
      locationType: 'header',
      location: 'If-Match',
    }),
  fullSyncRequired: () =>
    calendarError(
      410,
      'fullSyncRequired',
      'Sync token is no longer valid, a full sync is required.',
    ),
  timeRangeEmpty: (location = 'timeMax') =>
    calendarError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
      domain: 'calendar',
      locationType: 'parameter',
      location,
    }),
} as const;

export type CalendarErrorName = keyof typeof CALENDAR_ERRORS;

/** The token endpoint's errors are OAuth 2.0's (RFC 6749 §5.2), not the Calendar envelope. */
export function oauthError(error: string, description: string, status = 400): FakeResponse {
  return { status, body: { error, error_description: description } };
}
