import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { MessageType } from '@core/channel/outbound-message';
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
 *   `service`): a template or marketing send never moves silently to another provider. Which
 *   class a message is in is its platform's to say (MessagingRules.fallbackClassOf), asked of
 *   the provider it was accepted on.
 */
@Injectable()
export class FallbackPolicy {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
  ) {}

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

  allows(messageType: string, from: Pick<ChannelAccountRef, 'hub' | 'provider'>): boolean {
    const { rules } = this.registry.messaging(from.hub, from.provider);
    return this.config.fallbackMessageClasses.has(
      rules.fallbackClassOf(messageType as MessageType),
    );
  }
}
