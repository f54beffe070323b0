import type { ChannelAccountRef } from './channel-account';
import type { HubHealth } from './hub-health';
import type { HubName } from './hub-name';
import type { MessageType, OutboundMessage, SendResult } from './outbound-message';

/**
 * Injecting this token yields every registered provider (see ChannelModule for how a platform
 * module registers one). Read it from `onModuleInit` onwards, not in a constructor.
 */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');

/** The common face of every hub. Stateless singletons: accounts come in as arguments. */
export interface ChannelProvider {
  readonly hub: HubName;
  /** Stable id of the implementation: 'meta-cloud', 'evolution', 'google', 'bitrix24'. */
  readonly provider: string;
  /** Without an account: is the platform reachable; with one: does that account work. */
  checkHealth(account?: ChannelAccountRef): Promise<HubHealth>;
}

/** A provider that sends messages. `send` throws PlatformError (retryable or permanent). */
export interface MessagingProvider extends ChannelProvider {
  readonly capabilities: ReadonlySet<MessageType>;
  /** Sends per second (and burst) one account may make; the outbound worker paces to it. */
  readonly pacing?: { ratePerSecond: number; burst: number };
  send(account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult>;
}

export function isMessagingProvider(provider: ChannelProvider): provider is MessagingProvider {
  const candidate = provider as Partial<MessagingProvider>;
  return typeof candidate.send === 'function' && typeof candidate.capabilities?.has === 'function';
}
