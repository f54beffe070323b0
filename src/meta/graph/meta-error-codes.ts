import type { PlatformFailure } from '@core/errors/platform-error';

/**
 * How Omnihub treats a Meta error code, for every Meta product (the WhatsApp Cloud API and
 * Instagram/Messenger messaging answer with the same Graph error envelope and share the generic
 * codes). Meta asks integrators to branch on `code`, not on the HTTP status (throttling codes
 * arrive on a 400, some mirrors of the table say 429), so the code decides and the status only
 * fills in for codes not listed here. Where Meta reuses a code for several conditions, the
 * `error_subcode` tells them apart (META_SUBCODE_RULES, consulted first).
 * Sources: test/fakes/meta-graph/CONTRACT.md (WhatsApp); for Instagram and Messenger, Meta's
 * Messenger Platform "Common Error Codes" (developers.facebook.com/docs/messenger-platform/
 * error-codes) and Send API error codes (developers.facebook.com/docs/messenger-platform/
 * reference/send-api/error-codes), which Instagram messaging shares.
 */
export interface MetaErrorRule {
  /** Our own short title: Meta's `message` may echo request data, this never does. */
  title: string;
  failure: PlatformFailure;
  /** Overrides the retryability `failure` implies. */
  retryable?: boolean;
  /** Wait at least this long before another try (Meta sends no Retry-After for these). */
  retryAfterMs?: number;
}

const rule = (
  title: string,
  failure: PlatformFailure,
  extra: Omit<MetaErrorRule, 'title' | 'failure'> = {},
): MetaErrorRule => ({ title, failure, ...extra });

export const META_ERROR_RULES: ReadonlyMap<number, MetaErrorRule> = new Map([
  // Authorization: the account needs a new token or permissions; retrying cannot help.
  [0, rule('authentication failed', 'auth')],
  [3, rule('app lacks the capability or permission', 'auth')],
  [10, rule('permission denied', 'auth')],
  [190, rule('access token expired or invalid', 'auth')],
  // Throttling. The hints are the documented windows: throughput is per second (80 mps by
  // default), a business/customer pair gets about one message per 6 s, app and WABA call
  // limits recover over minutes.
  [4, rule('app request limit reached', 'rate-limited', { retryAfterMs: 60_000 })],
  [
    80007,
    rule('WhatsApp Business Account rate limit hit', 'rate-limited', { retryAfterMs: 60_000 }),
  ],
  [130429, rule('Cloud API throughput reached', 'rate-limited', { retryAfterMs: 1_000 })],
  [131056, rule('pair rate limit hit (same recipient)', 'rate-limited', { retryAfterMs: 6_000 })],
  // Quality-based: lifts only when the number's quality recovers, so retrying soon is useless.
  [131048, rule('spam rate limit hit', 'rate-limited', { retryable: false })],
  // Integrity: the WABA is restricted; an operator must act.
  [368, rule('temporarily blocked for policy violations', 'rejected')],
  [130497, rule('business is restricted from messaging users in this country', 'rejected')],
  [131031, rule('business account locked', 'rejected')],
  // Meta-side trouble: worth another try.
  [1, rule('unknown API error', 'server')],
  [2, rule('API service temporarily unavailable', 'server')],
  [131000, rule('something went wrong at Meta', 'server')],
  [131016, rule('service unavailable', 'server')],
  [131057, rule('business account in maintenance mode', 'server', { retryAfterMs: 60_000 })],
  [133004, rule('server temporarily unavailable', 'server')],
  // The request or the recipient is wrong: fail at once with the code.
  [100, rule('invalid parameter', 'rejected')],
  [131008, rule('required parameter is missing', 'rejected')],
  [131009, rule('parameter value is not valid', 'rejected')],
  [131021, rule('recipient cannot be the sender', 'rejected')],
  [131026, rule('message undeliverable', 'rejected')],
  [131030, rule('recipient not in the allowed list', 'rejected')],
  [131042, rule('business payment issue', 'rejected')],
  [131047, rule('more than 24 hours since the customer last replied', 'rejected')],
  [131051, rule('unsupported message type', 'rejected')],
  [131052, rule('media download error', 'rejected')],
  [131053, rule('media upload error', 'rejected')],
  [132000, rule('template parameter count mismatch', 'rejected')],
  [132001, rule('template does not exist in this language or is not approved', 'rejected')],
  [132005, rule('template text too long once filled in', 'rejected')],
  [132007, rule('template format character policy violated', 'rejected')],
  [132012, rule('template parameter format mismatch', 'rejected')],
  [132015, rule('template is paused', 'rejected')],
  [132016, rule('template is disabled', 'rejected')],
  [133010, rule('phone number not registered', 'rejected')],
  // Instagram and Messenger messaging (Send API).
  [551, rule('recipient is not available right now', 'rejected')],
  [
    613,
    rule('calls to this API exceeded the rate limit', 'rate-limited', { retryAfterMs: 60_000 }),
  ],
  [1200, rule('temporary send failure at Meta', 'server')],
]);

/**
 * Code + subcode pairs that mean something other than their code alone. Code 10 is a
 * permission error, which flags the account for re-authorisation; with these subcodes it is
 * Instagram's and Messenger's closed messaging window instead, which no new token fixes.
 */
export const META_SUBCODE_RULES: ReadonlyMap<string, MetaErrorRule> = new Map([
  ['10/2018278', rule('sent outside the allowed messaging window', 'rejected')],
  // Instagram's form of the same refusal: absent from Meta's tables, but what Instagram
  // messaging answers outside the window (integrations handle it beside 2018278).
  ['10/2534022', rule('sent outside the allowed messaging window', 'rejected')],
  ['100/2018001', rule('no matching user found', 'rejected')],
  ['551/1545041', rule('recipient is not available right now', 'rejected')],
]);

/** Rule for a code (and subcode), including Graph's 200-299 permission range. */
export function metaErrorRule(code: number, subcode?: number): MetaErrorRule | undefined {
  const specific = subcode === undefined ? undefined : META_SUBCODE_RULES.get(`${code}/${subcode}`);
  if (specific) return specific;
  const known = META_ERROR_RULES.get(code);
  if (known) return known;
  return code >= 200 && code <= 299 ? rule('API permission missing', 'auth') : undefined;
}
