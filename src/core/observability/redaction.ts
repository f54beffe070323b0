/**
 * Log redaction, in one list. Tokens, secrets and API keys are credentials; phone numbers and
 * message text are personal data (LGPD/GDPR). pino replaces each matched value with the censor
 * string before the line is serialized, so nothing below ever reaches a log sink.
 *
 * Paths are pino/fast-redact paths: `*` matches one level. Keep names lower and camel case
 * variants together; add a field here the day a new one is logged.
 */
const SENSITIVE_KEYS = [
  'authorization',
  'x-api-key',
  'x-hub-signature-256',
  'cookie',
  'set-cookie',
  'apiKey',
  'api_key',
  'apikey',
  'key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'appSecret',
  'app_secret',
  'clientSecret',
  'client_secret',
  'password',
  'credentials',
  'phone',
  'phoneNumber',
  'phone_number',
  'wa_id',
  'waId',
  'from',
  'to',
  'text',
  'body',
  'caption',
  'email',
];

export const REDACT_CENSOR = '[redacted]';

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => {
    const path = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) =>
      path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
    return [path.startsWith('[') ? `*${path}` : `*.${path}`, join('*.*'), path];
  }),
];
