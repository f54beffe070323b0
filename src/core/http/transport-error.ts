import { PlatformError } from '@core/errors/platform-error';

/** undici and socket codes that mean "no answer in time". */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/** undici and socket codes that mean the connection failed or broke. */
const NETWORK_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_ABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * Turns a failure to get an answer into a PlatformError: 'timeout' when our deadline fired or
 * undici gave up waiting, 'network' when the connection failed; both retryable. Except for a
 * call that must happen at most once whose request was already written (`requestWritten`):
 * the platform may have acted on it, so it is 'outcome-unknown' and not retryable, whether
 * the answer timed out or the connection broke. A connect timeout, a refused connection or a
 * failed DNS lookup happen before anything is written: always safe to retry. Anything else
 * (an invalid header, a bug) is not a platform failure: the caller rethrows it unchanged.
 */
export function classifyTransportError(
  error: unknown,
  call: {
    hub: string;
    operation: string;
    timeoutMs: number;
    deadlinePassed: boolean;
    atMostOnce?: boolean;
    requestWritten?: boolean;
  },
): PlatformError | undefined {
  const { hub, operation, timeoutMs } = call;
  const codes = collectCodes(error);
  const timedOut = call.deadlinePassed || codes.some((code) => TIMEOUT_CODES.has(code));
  const network = codes.find((code) => NETWORK_CODES.has(code));
  if (!timedOut && !network) return undefined;
  if (call.atMostOnce && call.requestWritten) {
    const what = timedOut ? `no answer within ${timeoutMs} ms` : `connection broke (${network})`;
    return new PlatformError(
      hub,
      operation,
      'outcome-unknown',
      `${hub} ${operation}: ${what} after the request was sent; the platform may have acted on it`,
    );
  }
  if (timedOut) {
    return new PlatformError(
      hub,
      operation,
      'timeout',
      `${hub} ${operation}: no answer within ${timeoutMs} ms`,
    );
  }
  return new PlatformError(
    hub,
    operation,
    'network',
    `${hub} ${operation}: connection failed (${network})`,
  );
}

/**
 * Codes of the error, its `cause` chain and AggregateError members (Node's happy-eyeballs
 * connect reports one error per address tried). Names count too: AbortSignal.timeout rejects
 * with a DOMException named 'TimeoutError'.
 */
function collectCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const { code, name, cause, errors } = error as {
    code?: unknown;
    name?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  const own = [code, name === 'TimeoutError' ? 'ETIMEDOUT' : undefined].filter(
    (value): value is string => typeof value === 'string',
  );
  const nested = [cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return [...own, ...nested.flatMap((inner) => collectCodes(inner, depth + 1))];
}
