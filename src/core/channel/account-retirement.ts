import type { ChannelAccountRef } from './channel-account';
import type { ChannelProvider } from './channel-provider';

/**
 * A provider that holds something on the platform for each connected account (an Evolution
 * instance with its WhatsApp session) and releases it when the tenant deletes the account.
 * Providers whose accounts are only credentials (Cloud API, Instagram) need not implement it.
 */
export interface RetiringProvider<TCredentials = unknown> extends ChannelProvider<TCredentials> {
  /**
   * Releases the account's platform-side resources. Resolves when they are gone, also when
   * they were gone already; throws a PlatformError when the platform cannot be asked, and the
   * account is then kept, so the tenant retries rather than leaving an orphan session behind.
   */
  retireAccount(account: ChannelAccountRef<TCredentials>): Promise<void>;
}

export function retiresAccounts(provider: ChannelProvider): provider is RetiringProvider {
  return typeof (provider as Partial<RetiringProvider>).retireAccount === 'function';
}
