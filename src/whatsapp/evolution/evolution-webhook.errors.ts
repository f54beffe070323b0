import { UnauthenticatedError, UnavailableError } from '@core/errors/domain-error';

export class InvalidEvolutionWebhookKeyError extends UnauthenticatedError {
  constructor() {
    super(
      'The webhook secret or apikey is missing or does not prove this account',
      'WEBHOOK.INVALID_KEY',
    );
  }
}

/** Evolution retries a 503 with backoff; the account's keys exist within a registration pass. */
const KEYS_PENDING_RETRY_AFTER_SECONDS = 60;

export class EvolutionWebhookKeysPendingError extends UnavailableError {
  constructor() {
    super(
      'WEBHOOK.KEYS_PENDING',
      'This account is being given its webhook secret; deliver the event again later',
      KEYS_PENDING_RETRY_AFTER_SECONDS,
    );
  }
}
