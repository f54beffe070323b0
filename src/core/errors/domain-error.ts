/**
 * One error family for the whole service. Services throw these (never `HttpException`), so the
 * same code serves HTTP and queue workers; the problem+json filter maps `kind` to a status.
 *
 * `code` is stable and documented (`'TENANT.NOT_FOUND'`); clients switch on it, so never
 * rename one. `detail` is safe to show to the caller: no secrets, no personal data.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'unprocessable'
  | 'rate-limited'
  | 'unavailable';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `components[0].parameters`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    detail: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], detail = describeFields(errors)) {
    super('REQUEST.VALIDATION_FAILED', 'validation', detail, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(
    resource: string,
    code = `${resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}.NOT_FOUND`,
  ) {
    super(code, 'not-found', `${resource} not found`);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(detail = 'Missing or invalid credentials', code = 'AUTH.UNAUTHENTICATED') {
    super(code, 'unauthenticated', detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail = 'This credential may not perform this action', code = 'AUTH.FORBIDDEN') {
    super(code, 'forbidden', detail);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, detail: string) {
    super(code, 'conflict', detail);
  }
}

export class UnavailableError extends DomainError {
  constructor(code: string, detail: string, retryAfterSeconds?: number) {
    super(code, 'unavailable', detail, { retryAfterSeconds });
  }
}

/** Fields a validation detail names; the rest are counted ("and 69980 more"). */
const MAX_NAMED_FIELDS = 20;

function describeFields(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((e) => e.field))];
  if (fields.length === 1) return `Invalid field: ${fields[0]}`;
  const named = fields.slice(0, MAX_NAMED_FIELDS).join(', ');
  const more = fields.length - MAX_NAMED_FIELDS;
  return `Invalid fields: ${named}${more > 0 ? ` and ${more} more` : ''}`;
}
