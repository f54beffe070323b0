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
  traceId: string;
}

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
    ...(extra.errors?.length ? { errors: extra.errors } : {}),
    traceId,
  };
}
