import { ForbiddenError, UnauthenticatedError } from '@core/errors/domain-error';

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
