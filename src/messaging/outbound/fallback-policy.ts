import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';

export type FallbackReason = 'circuit_open' | 'retries_exhausted';

/**
 * When a send may move from an account's provider to its fallback account.
 *
 * - Only when the primary did not take the message: its circuit is open (nothing was sent),
 *   or its last allowed attempt failed with a retryable error that is not a timeout. A
 *   timeout is ambiguous (the platform may have accepted the message), and moving it would
 *   risk sending it twice: it fails instead.
 * - Only for message classes the deployment allows (FALLBACK_MESSAGE_CLASSES, default
 *   `service`): a template or marketing send never moves silently to another provider.
 */
@Injectable()
export class FallbackPolicy {
  constructor(private readonly config: AppConfig) {}

  reasonFor(error: unknown, lastAttempt: boolean): FallbackReason | undefined {
    if (error instanceof CircuitOpenError) return 'circuit_open';
    if (
      error instanceof PlatformError &&
      error.retryable &&
      lastAttempt &&
      error.failure !== 'timeout'
    ) {
      return 'retries_exhausted';
    }
    return undefined;
  }

  allows(messageType: string): boolean {
    return this.config.fallbackMessageClasses.has(
      messageType === 'template' ? 'template' : 'service',
    );
  }
}
