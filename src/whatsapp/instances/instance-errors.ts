import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
} from '@core/errors/domain-error';

/** The body names another business than the caller's tenant. */
export class BusinessMismatchError extends ForbiddenError {
  constructor() {
    super("businessId does not match the caller's tenant", 'WHATSAPP.BUSINESS_MISMATCH');
  }
}

/** No Evolution server (EVOLUTION_BASE_URL + EVOLUTION_API_KEY) is configured on this deployment. */
export class EvolutionNotConfiguredError extends UnavailableError {
  constructor() {
    super(
      'WHATSAPP.EVOLUTION_NOT_CONFIGURED',
      'This deployment has no Evolution API server configured (EVOLUTION_BASE_URL, EVOLUTION_API_KEY)',
    );
  }
}

/** The tenant's name is taken by a WhatsApp account of another provider (e.g. the Cloud API). */
export class NotAnEvolutionInstanceError extends ConflictError {
  constructor(name: string) {
    super(
      'WHATSAPP.NOT_AN_EVOLUTION_INSTANCE',
      `"${name}" is a WhatsApp account of another provider, not an Evolution instance`,
    );
  }
}

/** Connected already (nothing to scan), or no QR has been produced yet. */
export class NoQrCodeError extends DomainError {
  constructor(reason: 'connected' | 'none-yet') {
    super(
      'WHATSAPP.NO_QR',
      'not-found',
      reason === 'connected'
        ? 'The instance is connected; there is no QR code to scan'
        : 'No QR code is available yet; call connect to start pairing',
    );
  }
}

export const evolutionInstanceNotFound = (): NotFoundError =>
  new NotFoundError('Evolution instance', 'WHATSAPP.INSTANCE_NOT_FOUND');
