import { PlatformError } from '@core/errors/platform-error';

/** What a log line keeps of an error. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

/**
 * The fields of an error a log line keeps: where and why it failed, never with what data.
 * Everything else is dropped, notably TypeORM's `query`, `parameters` (the whole payload being
 * written) and `driverError`, and PostgreSQL's `detail` (`Key (value)=(+5511...)`, `Failing
 * row contains (...)`), `where` (`JSON data, line 1: ...`) and `hint`.
 */
const KEPT_FIELDS = [
  // DomainError, PlatformError
  'code',
  'kind',
  'hub',
  'operation',
  'failure',
  // PostgreSQL (pg's DatabaseError, copied onto TypeORM's QueryFailedError)
  'severity',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
  // Node system errors, HTTP errors
  'errno',
  'syscall',
  'address',
  'port',
  'status',
  'statusCode',
];

/** An error message longer than this is cut: long ones quote input, and logs are not archives. */
const MAX_MESSAGE_LENGTH = 1_000;
const MAX_CAUSE_DEPTH = 3;
const MAX_AGGREGATED = 5;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** SQLSTATE class 22, data exception: `invalid input syntax for type uuid: "+5511..."`. */
const DATA_EXCEPTION_CLASS = '22';
/** From the first double quote to the last: a value may itself contain quotes. */
const QUOTED = /"[\s\S]*"/;

/**
 * The one way an error reaches a log line (pino's `err` serializer, see loggerOptions) or an
 * error column: type, a message without quoted values, the stack frames and KEPT_FIELDS,
 * causes included. Accepts what pino-http hands over too (its own serialization, with the
 * original error under `raw`). Anything that is not an error passes through unchanged.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  const error = originalOf(value);
  if (!isErrorLike(error)) return value;
  const type = typeOf(error);
  const message = safeErrorMessage(error);
  const serialized: SerializedError = { type, message };
  if (typeof error.stack === 'string')
    serialized.stack = framesUnder(`${type}: ${message}`, error.stack);
  const fields = error as unknown as Record<string, unknown>;
  for (const field of KEPT_FIELDS) {
    const kept = fields[field];
    if (['string', 'number', 'boolean'].includes(typeof kept)) serialized[field] = kept;
  }
  if (error instanceof PlatformError) {
    serialized.status = error.details.status;
    serialized.platformCode = error.details.platformCode;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    const { cause, errors } = fields;
    if (isErrorLike(cause)) serialized.cause = serializeError(cause, depth + 1);
    if (Array.isArray(errors)) {
      serialized.errors = errors
        .slice(0, MAX_AGGREGATED)
        .map((inner: unknown) => serializeError(inner, depth + 1));
    }
  }
  return serialized;
}

/** `QueryFailedError: index row size 4016 exceeds ...`: for error columns such as last_error. */
export function describeError(error: unknown): string {
  if (!isErrorLike(error)) return typeof error;
  return `${typeOf(error)}: ${safeErrorMessage(error)}`;
}

/**
 * The message without the values PostgreSQL quotes in data exceptions. Its other messages
 * quote identifiers only (`violates unique constraint "..."`), which are worth keeping.
 */
export function safeErrorMessage(error: Error): string {
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  const fromPostgres =
    typeof severity === 'string' && typeof code === 'string' && SQLSTATE.test(code);
  const message =
    fromPostgres && code.startsWith(DATA_EXCEPTION_CLASS)
      ? error.message.replace(QUOTED, '"[value]"')
      : error.message;
  return message.length > MAX_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_MESSAGE_LENGTH)}… (${message.length} characters)`
    : message;
}

function originalOf(value: unknown): unknown {
  // pino-http runs pino's own serializer first and keeps the error it was given as `raw`.
  const raw = (value as { raw?: unknown } | null | undefined)?.raw;
  return isErrorLike(raw) ? raw : value;
}

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function typeOf(error: Error): string {
  const name = (error.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== 'Object' ? name : error.name;
}

/** The stack's frames under a new first line: the original one repeats the raw message. */
function framesUnder(header: string, stack: string): string {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [header, ...frames].join('\n');
}
