import { UnauthenticatedError } from '@core/errors/domain-error';

export class InvalidEvolutionWebhookKeyError extends UnauthenticatedError {
  constructor() {
    super('The apikey is missing or is not this instance key', 'WEBHOOK.INVALID_KEY');
  }
}
