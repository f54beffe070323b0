import {
  AccountCredentialsRejectedError,
  AccountNotOwnedError,
  AccountPermissionMissingError,
  OwnershipUnverifiableError,
} from '@core/channel/account-ownership.errors';
import { PlatformError } from '@core/errors/platform-error';

/** Graph codes that mean the token itself is no good (190 invalid/expired, 0 and 102 auth/session). */
const TOKEN_REJECTED_CODES = new Set(['0', '102', '190']);

/** What the connect route answers when Graph refused one of the ownership lookups. */
export const NOT_VISIBLE: Record<'phoneNumberId' | 'wabaId', string> = {
  phoneNumberId: 'the access token cannot act for this phone number id',
  wabaId: 'the access token cannot see this WhatsApp Business Account',
};

/**
 * A Graph failure during the ownership proof, as the tenant should see it: a 4xx naming the field
 * at fault when Meta refused (190 → the token; 10, 3, 200-299 → the token's permissions; 100,
 * Graph's "does not exist or missing permissions" → the id looked up), a 503 with Retry-After
 * when Meta could not answer (down, timeout, throttled). Other refusals (a policy block) keep
 * their PlatformError, which already answers 422 with Meta's code.
 */
export function ownershipRefusalOf(error: unknown, lookedUp: 'phoneNumberId' | 'wabaId'): unknown {
  if (!(error instanceof PlatformError)) return error;
  const code = error.details.platformCode;
  switch (error.failure) {
    case 'auth':
      return (code !== undefined && TOKEN_REJECTED_CODES.has(code)) ||
        (code === undefined && error.details.status === 401)
        ? new AccountCredentialsRejectedError('accessToken')
        : new AccountPermissionMissingError('accessToken');
    case 'not-found':
      return new AccountNotOwnedError(lookedUp, NOT_VISIBLE[lookedUp]);
    case 'rejected':
      return code === '100' ? new AccountNotOwnedError(lookedUp, NOT_VISIBLE[lookedUp]) : error;
    default:
      return new OwnershipUnverifiableError(
        error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : undefined,
      );
  }
}
