import { DomainError } from './domain-error';

/**
 * A failed call to an outside platform (Meta, Evolution, Google, Bitrix24). The one question
 * every caller asks is answered by `retryable`: timeouts, connection failures, 5xx and rate
 * limits are worth another try (after `retryAfterMs` when the platform said so); validation,
 * auth and other 4xx answers are permanent and must fail at once with the platform's code.
 *
 * 'outcome-unknown' is a call that must happen at most once (a message send) which broke after
 * the request was written: the platform may have acted on it. Repeating it could act twice, so
 * it is not retryable; it still says the platform is failing (isPlatformFault).
 */
export type PlatformFailure =
  | 'timeout'
  | 'network'
  | 'outcome-unknown'
  | 'server'
  | 'rate-limited'
  | 'auth'
  | 'rejected'
  | 'not-found';

export class PlatformError extends DomainError {
  constructor(
    readonly hub: string,
    readonly operation: string,
    readonly failure: PlatformFailure,
    detail: string,
    readonly details: {
      /** HTTP status the platform answered, when it answered. */
      status?: number;
      /** The platform's own error code (e.g. Meta `131026`), recorded on messages. */
      platformCode?: string;
      /** Wait at least this long before retrying (from Retry-After or a platform hint). */
      retryAfterMs?: number;
      /** Overrides the retryability implied by `failure` (e.g. Meta 130429 on a 400). */
      retryable?: boolean;
    } = {},
  ) {
    super(
      `PLATFORM.${failure.toUpperCase().replace(/-/g, '_')}`,
      failure === 'rate-limited'
        ? 'rate-limited'
        : failure === 'auth' || failure === 'rejected'
          ? 'unprocessable'
          : failure === 'not-found'
            ? 'not-found'
            : 'unavailable',
      detail,
      {
        retryAfterSeconds:
          details.retryAfterMs !== undefined ? details.retryAfterMs / 1000 : undefined,
      },
    );
  }

  get retryable(): boolean {
    return (
      this.details.retryable ??
      ['timeout', 'network', 'server', 'rate-limited'].includes(this.failure)
    );
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof PlatformError && error.retryable;
}

/**
 * The platform, not our request, is at fault: a retryable failure, or a call left without an
 * answer whose outcome is unknown. What opens a circuit and what the failure-ratio alert counts.
 */
export function isPlatformFault(error: unknown): boolean {
  return (
    isRetryable(error) || (error instanceof PlatformError && error.failure === 'outcome-unknown')
  );
}
