import type { HubName } from './hub-name';

/**
 * The channel account a provider acts for, with its credentials already decrypted. Providers
 * are shared singletons, so every call receives the account as an argument and nothing
 * tenant-specific is ever kept on the provider (see STYLE.md, the novu anti-example).
 *
 * `TCredentials` is the provider's own shape (a Meta access token, an Evolution API key and
 * server URL, a Google refresh token...); only that provider reads it.
 */
export interface ChannelAccountRef<TCredentials = Readonly<Record<string, unknown>>> {
  /** Our channel_accounts id. */
  readonly id: string;
  readonly tenantId: string;
  readonly hub: HubName;
  readonly provider: string;
  /** The platform's id for the account: phone number id, Instagram account id, instance name. */
  readonly externalId: string;
  readonly credentials: TCredentials;
}
