import { PlatformError } from '@core/errors/platform-error';
import { safePlatformMessage } from '@core/http/error-body';
import type { PlatformErrorMapper } from '@core/http/platform-call';
import { metaErrorRule } from './meta-error-codes';

/** The parts of Meta's `{ error: { ... } }` answer the mapper reads. */
interface MetaGraphError {
  code: number;
  subcode?: number;
  message?: string;
  fbtraceId?: string;
  isTransient?: boolean;
}

/**
 * Reads Meta's Graph error body into a PlatformError: `platformCode` is Meta's code, failure
 * and retryability come from the code (META_ERROR_RULES) rather than the HTTP status, and
 * throttling codes carry a wait hint. The detail names the code, our own title and the
 * fbtrace_id Meta support asks for; Meta's free text and `error_data.details` are left out
 * for known codes because they can echo the recipient or the message.
 */
export const mapMetaError: PlatformErrorMapper = (response, generic) => {
  const error = readMetaGraphError(response.body);
  // Not Meta's shape (a proxy's HTML 502, an empty 503): the generic reading is all there is.
  if (!error) return generic;

  const { hub, operation, status } = response;
  const rule = metaErrorRule(error.code, error.subcode);
  const failure = rule?.failure ?? generic.failure;
  const title =
    rule?.title ?? (error.message ? safePlatformMessage(error.message) : 'unlisted Meta error');
  const code = error.subcode === undefined ? `${error.code}` : `${error.code}/${error.subcode}`;
  const trace = error.fbtraceId ? ` [fbtrace_id ${error.fbtraceId}]` : '';
  const retryAfterMs = longest(generic.retryAfterMs, rule?.retryAfterMs);
  return new PlatformError(
    hub,
    operation,
    failure,
    `${hub} ${operation} failed with HTTP ${status}: Meta error ${code}, ${title}${trace}`,
    {
      status,
      platformCode: String(error.code),
      retryAfterMs,
      // Graph marks some unlisted errors transient; a listed code's rule knows better.
      retryable: rule?.retryable ?? (rule ? undefined : error.isTransient || undefined),
    },
  );
};

export function readMetaGraphError(body: unknown): MetaGraphError | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, error_subcode, message, fbtrace_id, is_transient } = body.error;
  const numericCode = toInteger(code);
  if (numericCode === undefined) return undefined;
  return {
    code: numericCode,
    subcode: toInteger(error_subcode),
    message: typeof message === 'string' && message !== '' ? message : undefined,
    fbtraceId:
      typeof fbtrace_id === 'string' && /^[\w-]{1,64}$/.test(fbtrace_id) ? fbtrace_id : undefined,
    isTransient: is_transient === true,
  };
}

function longest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
