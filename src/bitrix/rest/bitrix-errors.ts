import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import type { PlatformErrorMapper } from '@core/http/platform-call';

/** Bitrix24's `error` code of a failed answer, when it named one. */
export function bitrixCodeOf(error: unknown): string | undefined {
  return error instanceof PlatformError ? error.details.platformCode : undefined;
}

/**
 * Bitrix24 names its errors in the body (`{"error":"expired_token",...}`): the code is kept as
 * the platform code; QUERY_LIMIT_EXCEEDED and OVERLOAD_LIMIT (503) are rate limits worth a retry
 * after a pause; an expired token is an auth failure the REST client answers by refreshing.
 */
export const bitrixErrorMapper: PlatformErrorMapper = (response, generic) => {
  const body = response.body as { error?: unknown; error_description?: unknown } | undefined;
  const code = typeof body?.error === 'string' ? body.error : undefined;
  if (!code) return generic;
  const detail = `bitrix ${response.operation}: ${code}`;
  if (code === 'QUERY_LIMIT_EXCEEDED' || code === 'OVERLOAD_LIMIT') {
    return new PlatformError('bitrix', response.operation, 'rate-limited', detail, {
      status: response.status,
      platformCode: code,
      retryAfterMs: generic.retryAfterMs ?? 1_000,
    });
  }
  if (code === 'expired_token' || code === 'invalid_token' || code === 'invalid_grant') {
    return new PlatformError('bitrix', response.operation, 'auth', detail, {
      status: response.status,
      platformCode: code,
    });
  }
  return new PlatformError('bitrix', response.operation, generic.failure, detail, {
    ...generic.details,
    platformCode: code,
  });
};

/** The portal lost its grant (refresh token refused): it must be installed or authorized again. */
export class PortalNeedsReauthError extends DomainError {
  constructor() {
    super(
      'BITRIX.NEEDS_REAUTH',
      'unprocessable',
      'The Bitrix24 portal refused our refresh token; reinstall the application or authorize again',
    );
  }
}

export class PortalNotReadyError extends DomainError {
  constructor(detail = 'The Bitrix24 portal is not installed yet') {
    super('BITRIX.PORTAL_NOT_READY', 'unprocessable', detail);
  }
}
