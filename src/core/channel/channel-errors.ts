import { DomainError } from '@core/errors/domain-error';

/** An account names a hub/provider pair that no module registered (config or data error). */
export class ChannelProviderNotFoundError extends DomainError {
  constructor(hub: string, provider: string) {
    super(
      'CHANNEL.PROVIDER_NOT_FOUND',
      'not-found',
      `No channel provider "${provider}" is registered for hub "${hub}"`,
    );
  }
}

/** A message was routed to a provider that only reports health (e.g. a calendar). */
export class ChannelProviderCannotSendError extends DomainError {
  constructor(hub: string, provider: string) {
    super(
      'CHANNEL.PROVIDER_CANNOT_SEND',
      'unprocessable',
      `Channel provider "${provider}" of hub "${hub}" does not send messages`,
    );
  }
}

/**
 * The provider set is wired wrong (two claim one hub/provider, or a decorated class is not a
 * provider). Raised only while booting, so it stops the process instead of reaching a caller.
 */
export class ChannelRegistrationError extends Error {
  override readonly name = 'ChannelRegistrationError';
}
