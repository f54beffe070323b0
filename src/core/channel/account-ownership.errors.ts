import { DomainError, ErrorKind, UnavailableError } from '@core/errors/domain-error';

/**
 * A connect refused because the claim did not hold. The codes are the same for every hub and
 * provider; `field` names the request field at fault (the token, or the id it cannot act for).
 */
export class AccountOwnershipError extends DomainError {
  constructor(code: string, kind: ErrorKind, field: string, message: string) {
    super(code, kind, message, { errors: [{ field, message }] });
  }
}

/** The platform does not accept the credentials at all (unknown, expired or revoked token). */
export class AccountCredentialsRejectedError extends AccountOwnershipError {
  constructor(field: string) {
    super(
      'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
      'unprocessable',
      field,
      `${field} is not accepted by the platform (invalid, expired or revoked)`,
    );
  }
}

/** The credentials are valid but lack the permission the account needs. */
export class AccountPermissionMissingError extends AccountOwnershipError {
  constructor(field: string) {
    super(
      'CHANNEL_ACCOUNT.PERMISSION_MISSING',
      'forbidden',
      field,
      `${field} lacks the platform permission needed to manage this account`,
    );
  }
}

/** The credentials cannot act for the account named (unknown to them, or someone else's). */
export class AccountNotOwnedError extends AccountOwnershipError {
  constructor(field: string, message: string) {
    super('CHANNEL_ACCOUNT.NOT_OWNED', 'unprocessable', field, message);
  }
}

/** The platform could not be asked (down, timing out, throttling): 503, try again later. */
export class OwnershipUnverifiableError extends UnavailableError {
  constructor(retryAfterSeconds = 30) {
    super(
      'CHANNEL_ACCOUNT.PLATFORM_UNAVAILABLE',
      'The platform could not confirm the account right now; nothing was connected, try again later',
      retryAfterSeconds,
    );
  }
}

/** No provider can prove accounts of this kind, so none may be connected (fail closed). */
export class OwnershipProofUnsupportedError extends DomainError {
  constructor(hub: string, provider: string) {
    super(
      'CHANNEL_ACCOUNT.CONNECT_UNSUPPORTED',
      'unprocessable',
      `Accounts of provider "${provider}" (hub "${hub}") cannot be connected: ownership cannot be proven`,
    );
  }
}
