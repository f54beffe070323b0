import { STATUS_CODES } from 'node:http';
import { FieldError } from './domain-error';

/** RFC 7807 body, extended with the stable `code`, per-field `errors` and the `traceId`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  /** How many field errors were left out of `errors` (it lists MAX_LISTED_ERRORS at most). */
  errorsOmitted?: number;
  traceId: string;
}

/**
 * Field errors listed in a body; the rest are only counted. A request naming 70,000 unknown
 * fields was answered with 4.9 MB, and a client fixes the first twenty before the next.
 */
export const MAX_LISTED_ERRORS = 20;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const PROBLEM_TYPE_BASE = 'https://omnihub.dev/problems/';

export function problem(
  status: number,
  code: string,
  detail: string,
  traceId: string,
  extra: { errors?: FieldError[]; instance?: string } = {},
): ProblemDetails {
  return {
    type: PROBLEM_TYPE_BASE + code.toLowerCase().replace(/[._]/g, '-'),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...listed(extra.errors ?? []),
    traceId,
  };
}

function listed(errors: FieldError[]): Pick<ProblemDetails, 'errors' | 'errorsOmitted'> {
  if (!errors.length) return {};
  if (errors.length <= MAX_LISTED_ERRORS) return { errors };
  return {
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    errorsOmitted: errors.length - MAX_LISTED_ERRORS,
  };
}
