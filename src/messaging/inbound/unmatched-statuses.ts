import { DomainError } from '@core/errors/domain-error';

/**
 * Attempts (of the inbound queue's 5) during which status updates that match no message make
 * the job retry: our send may still be storing the provider id. A status for a message sent
 * outside Omnihub never matches, so after these the event is settled as it is. Every platform's
 * inbound handler applies the same rule to what InboundPipeline.ingest reports unmatched.
 */
export const UNMATCHED_STATUS_RETRIES = 3;

/**
 * Status updates named messages we have not recorded yet. Thrown from an inbound handler so
 * the inbox job retries with backoff.
 */
export class StatusesNotYetMatchedError extends DomainError {
  constructor(unmatched: number) {
    super(
      'INBOUND.STATUS_UNMATCHED',
      'conflict',
      `${unmatched} status update(s) name messages not recorded yet; retrying later`,
    );
  }
}
