import type { ChannelAccountRef } from './channel-account';
import type { ChannelCredentials } from './channel-credentials';
import type { HubHealth } from './hub-health';
import type { HubName } from './hub-name';
import { isMessagingRules, type MessagingRules } from './messaging-rules';
import type { ContentKind, OutboundMessage, SendResult } from './outbound-message';

/**
 * Injecting this token yields every registered provider (see ChannelModule for how a platform
 * module registers one). Read it from `onModuleInit` onwards, not in a constructor.
 */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');

/**
 * The common face of every hub. Stateless singletons: accounts come in as arguments, their
 * credentials already read into `TCredentials` by the provider's own `credentials.parse`.
 */
export interface ChannelProvider<TCredentials = unknown> {
  readonly hub: HubName;
  /** Stable id of the implementation: 'meta-cloud', 'evolution', 'google', 'bitrix24'. */
  readonly provider: string;
  /** Reads this provider's accounts' stored credentials (used when an account is opened). */
  readonly credentials: ChannelCredentials<TCredentials>;
  /** Without an account: is the platform reachable; with one: does that account work. */
  checkHealth(account?: ChannelAccountRef<TCredentials>): Promise<HubHealth>;
}

/** A provider that sends messages. `send` throws PlatformError (retryable or permanent). */
export interface MessagingProvider<TCredentials = unknown> extends ChannelProvider<TCredentials> {
  /** The message types and features it takes; any other send is refused when accepted. */
  readonly capabilities: ReadonlySet<ContentKind>;
  /** The platform's addressing, content and fallback rules, asked by the messaging core. */
  readonly rules: MessagingRules;
  /** Sends per second (and burst) one account may make; the outbound worker paces to it. */
  readonly pacing?: { ratePerSecond: number; burst: number };
  send(account: ChannelAccountRef<TCredentials>, message: OutboundMessage): Promise<SendResult>;
}

export function isMessagingProvider(provider: ChannelProvider): provider is MessagingProvider {
  const candidate = provider as Partial<MessagingProvider>;
  return (
    typeof candidate.send === 'function' &&
    typeof candidate.capabilities?.has === 'function' &&
    isMessagingRules(candidate.rules)
  );
}
