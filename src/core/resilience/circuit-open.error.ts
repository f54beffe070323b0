import { DomainError } from '@core/errors/domain-error';
import { BreakerKey } from './breaker-key';

/**
 * The circuit for a provider account is open: the call was not attempted. Rendered as 503 with
 * `Retry-After` set to the time left until the breaker lets a probe call through.
 */
export class CircuitOpenError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly key: BreakerKey,
    readonly retryAfterMs: number,
  ) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      'CIRCUIT.OPEN',
      'unavailable',
      `${key.hub} provider ${key.provider} is failing for this account; calls are paused, ` +
        `retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
