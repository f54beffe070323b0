import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '@core/errors/domain-error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on an answer that repeats the outcome of an earlier request with the same key (Stripe's name). */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** A creating request the client made safe to retry. */
export interface IdempotentRequest {
  key: string;
  /** `POST /api/v2/messages`: the route is part of what "the same request" means. */
  route: string;
}

/**
 * Visible ASCII without `"` and `\`, 1 to 255 characters (Stripe's limit; a UUID fits). The
 * IETF draft sends the key as a structured-field string, `"…"`: those quotes are taken off, and
 * since a key holds no quote or backslash it never needs the string's escapes.
 */
const KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Repeated headers arrive joined by ", " (or as a list): never one valid key.
  const text = Array.isArray(raw) ? '' : raw;
  const key = /^".*"$/.test(text) ? text.slice(1, -1) : text;
  if (!KEY.test(key)) {
    throw new ValidationFailedError([
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message:
          'Idempotency-Key must be 1 to 255 visible ASCII characters without spaces, quotes ' +
          'or backslashes (a UUID is a good key), optionally in double quotes',
      },
    ]);
  }
  return key;
}

/**
 * `@IdempotencyKey() idempotency: IdempotentRequest | undefined`: the validated header (a
 * malformed one is a 400 naming it) with the route it came to.
 */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    return key === undefined
      ? undefined
      : { key, route: `${request.method} ${request.routeOptions.url}` };
  },
);
