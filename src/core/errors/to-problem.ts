import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, ErrorKind } from './domain-error';
import { ProblemDetails, problem } from './problem';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'precondition-failed': 412,
  unprocessable: 422,
  'rate-limited': 429,
  unavailable: 503,
};

/** Codes for the request errors Fastify raises before a route handler runs. */
const FASTIFY_CODES: Record<string, { code: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    detail: 'Unsupported Content-Type; send application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'REQUEST.BODY_TOO_LARGE',
    detail: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'REQUEST.INVALID_CONTENT_LENGTH' },
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  413: 'REQUEST.BODY_TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMIT.EXCEEDED',
};

export interface RenderedError {
  body: ProblemDetails;
  headers: Record<string, string>;
  /** True when the error is ours to investigate (5xx): log it with its stack. */
  unexpected: boolean;
}

/**
 * Turns anything thrown while serving a request into a problem+json body. Known errors keep
 * their message; unknown ones become a bare 500 so no internals leak.
 */
export function toProblem(error: unknown, traceId: string, instance?: string): RenderedError {
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    const headers: Record<string, string> = {};
    if (error.extra.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.extra.retryAfterSeconds)));
    }
    return {
      body: problem(status, error.code, error.message, traceId, {
        errors: error.extra.errors,
        instance,
      }),
      headers,
      unexpected: false,
    };
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) {
      return {
        body: problem(
          status,
          CODE_BY_STATUS[status] ?? 'REQUEST.REJECTED',
          httpDetail(error),
          traceId,
          {
            instance,
          },
        ),
        headers: {},
        unexpected: false,
      };
    }
  }

  const fastify = asFastifyClientError(error);
  if (fastify) {
    const known = fastify.code ? FASTIFY_CODES[fastify.code] : undefined;
    const detail = known?.detail ?? fastify.message;
    const code = known?.code ?? CODE_BY_STATUS[fastify.statusCode] ?? 'REQUEST.INVALID';
    return {
      body: problem(fastify.statusCode, code, detail, traceId, { instance }),
      headers: {},
      unexpected: false,
    };
  }

  return {
    body: problem(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'INTERNAL.UNEXPECTED',
      'An unexpected error occurred; quote the traceId when reporting it',
      traceId,
      { instance },
    ),
    headers: {},
    unexpected: true,
  };
}

function httpDetail(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return error.message;
}

function asFastifyClientError(
  error: unknown,
): { statusCode: number; code?: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code, message } = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return {
    statusCode,
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : 'Bad request',
  };
}
