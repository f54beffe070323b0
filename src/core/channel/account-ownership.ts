import type { ChannelProvider } from './channel-provider';

/**
 * What a tenant asserts when it connects an account: "this platform account (`externalId`) is
 * mine, and these credentials prove it". Nothing is stored before the provider has checked it.
 */
export interface AccountClaim {
  readonly tenantId: string;
  /** The tenant's handle for the account. */
  readonly name: string;
  readonly externalId: string;
  /** As the tenant gave them; the provider reads its own shape. */
  readonly credentials: Readonly<Record<string, unknown>>;
}

/**
 * A provider that can tell whether a claim holds. Every account kind connects through this: an
 * account stored on a bare claim can be someone else's (a phone number connected with a junk
 * token receives the real owner's webhooks), and the platform's own unique id then locks the
 * owner out. See ChannelAccountConnector.
 */
export interface OwnershipProvingProvider extends ChannelProvider {
  /**
   * Resolves when the credentials act for `externalId` on the platform; otherwise throws an
   * AccountOwnershipError (account-ownership.errors.ts) naming the field at fault, or an
   * UnavailableError when the platform cannot be asked. Says nothing about other tenants.
   */
  proveOwnership(claim: AccountClaim): Promise<void>;
}

export function provesOwnership(provider: ChannelProvider): provider is OwnershipProvingProvider {
  return typeof (provider as Partial<OwnershipProvingProvider>).proveOwnership === 'function';
}
