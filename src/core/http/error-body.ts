/**
 * What a platform's error body says, in the shapes the platforms we call use:
 * - Meta Graph and Google: `{ "error": { "message", "code", ... } }`
 * - OAuth 2 token endpoints and Bitrix24: `{ "error": "invalid_grant", "error_description" }`
 * - many others: `{ "message", "code" }`
 */
export function readErrorBody(body: unknown): { message?: string; code?: string } {
  if (!isRecord(body)) return {};
  const { error } = body;
  if (isRecord(error)) {
    return { message: text(error.message), code: text(error.code) ?? text(error.status) };
  }
  if (typeof error === 'string') {
    return { message: text(body.error_description) ?? text(body.message), code: error };
  }
  return { message: text(body.message) ?? text(body.error_description), code: text(body.code) };
}

const MAX_MESSAGE_LENGTH = 200;

/**
 * A platform message made fit for error details and logs: numbers that could be phone numbers
 * and e-mail addresses are masked (platforms sometimes echo the recipient), and it is capped.
 */
export function safePlatformMessage(message: string): string {
  const masked = message
    .replace(/[^\s@"'<>()]+@[^\s@"'<>()]+\.[a-z]{2,}/gi, '[email]')
    .replace(/\+?\d[\d\s().-]{6,}\d/g, '[number]')
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > MAX_MESSAGE_LENGTH
    ? `${masked.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
    : masked;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
