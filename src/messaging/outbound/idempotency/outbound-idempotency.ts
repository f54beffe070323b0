import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError } from '@core/errors/domain-error';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/** A send's key with the fingerprint of the request it came with. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'REQUEST.IDEMPOTENCY_KEY_REUSED',
      'unprocessable',
      'This Idempotency-Key was already used with a different request (another route or body). ' +
        'A retry must repeat the first request exactly; a new message needs a new key.',
    );
  }
}

/**
 * Idempotency-Key semantics of every send route, as the IETF draft "The Idempotency-Key HTTP
 * Header Field" and Stripe define them: per tenant, the first accepted request binds the key
 * to its message and its fingerprint; a repeat of that request gets the same message back (the
 * controller answers 202 as the first time, plus `Idempotent-Replayed: true`); the same key
 * with another request is refused with 422. Only an accepted send binds a key: a request
 * answered with an error may be retried with the same key. Keys are kept
 * IDEMPOTENCY_KEY_RETENTION_HOURS.
 */
@Injectable()
export class OutboundIdempotency {
  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly config: AppConfig,
  ) {}

  /** The message this request repeats, or undefined while the key is free (or expired). */
  async earlierSend(
    tenantId: string,
    claim: IdempotencyClaim,
  ): Promise<{ id: string; status: string } | undefined> {
    const hours = this.config.idempotencyKeyRetentionHours;
    const earlier = await this.keys.find(tenantId, claim.key, hours);
    if (!earlier) return undefined;
    if (earlier.expired) {
      await this.keys.releaseExpired(tenantId, claim.key, hours);
      return undefined;
    }
    if (earlier.fingerprint !== null && earlier.fingerprint !== claim.fingerprint) {
      throw new IdempotencyKeyReusedError();
    }
    return { id: earlier.id, status: earlier.status };
  }

  /**
   * After a concurrent request with the same key won the INSERT: its message, if this request
   * is the same. The winner's row is committed by then (the unique index made this INSERT wait).
   */
  async winnerOfRace(
    tenantId: string,
    claim: IdempotencyClaim,
  ): Promise<{ id: string; status: string }> {
    const winner = await this.earlierSend(tenantId, claim);
    if (winner) return winner;
    // Released or erased between the INSERT and this read: rare enough to let the client retry.
    throw new ConflictError(
      'REQUEST.IDEMPOTENCY_KEY_IN_USE',
      'Another request with this Idempotency-Key changed while this one ran; retry it',
    );
  }
}
