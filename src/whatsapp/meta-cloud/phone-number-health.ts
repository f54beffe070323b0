import type { HubHealth } from '@core/channel/hub-health';
import { PlatformError } from '@core/errors/platform-error';

/** The phone number fields the health probe asks Graph for. */
export const PHONE_NUMBER_HEALTH_FIELDS = [
  'verified_name',
  'quality_rating',
  'display_phone_number',
];

export interface PhoneNumberFields {
  verified_name?: string;
  quality_rating?: string;
  display_phone_number?: string;
}

/**
 * One account's health from its phone number fields. GREEN (or no rating yet) is up; YELLOW and
 * RED still send but are one step from lower messaging limits, so they read as degraded. The
 * display number is not repeated in the detail: details reach dashboards and logs.
 */
export function healthOfPhoneNumber(
  fields: PhoneNumberFields,
  checkedAt: Date,
  latencyMs: number,
): HubHealth {
  const rating = (fields.quality_rating ?? 'UNKNOWN').toUpperCase();
  const name = fields.verified_name ? `"${fields.verified_name}"` : 'phone number';
  const status = rating === 'YELLOW' || rating === 'RED' ? 'degraded' : 'up';
  return { status, detail: `${name} reachable, quality rating ${rating}`, checkedAt, latencyMs };
}

/**
 * The probe failed: the account is down, and the detail says why without secrets (a
 * PlatformError's message never carries the token or personal data).
 */
export function healthOfFailedProbe(
  error: PlatformError,
  checkedAt: Date,
  latencyMs: number,
): HubHealth {
  const reason =
    error.failure === 'auth'
      ? 'access token rejected, the account needs re-authorisation'
      : error.retryable
        ? 'Graph API unreachable or failing'
        : 'Graph API refused the probe';
  return { status: 'down', detail: `${reason} (${error.message})`, checkedAt, latencyMs };
}
