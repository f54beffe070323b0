import { DomainError, ForbiddenError, UnauthenticatedError } from '@core/errors/domain-error';

export class InvalidWebhookSignatureError extends UnauthenticatedError {
  constructor() {
    super('X-Hub-Signature-256 is missing or does not match the body', 'WEBHOOK.INVALID_SIGNATURE');
  }
}

export class WebhookVerificationRefusedError extends ForbiddenError {
  constructor() {
    super(
      'hub.mode must be subscribe and hub.verify_token must match',
      'WEBHOOK.VERIFICATION_REFUSED',
    );
  }
}

/**
 * Status updates named messages we have not recorded yet: our send may still be storing the
 * provider id. Thrown from the inbound handler so the inbox job retries with backoff.
 */
export class StatusesNotYetMatchedError extends DomainError {
  constructor(unmatched: number) {
    super(
      'WHATSAPP.STATUS_UNMATCHED',
      'conflict',
      `${unmatched} status update(s) name messages not recorded yet; retrying later`,
    );
  }
}
