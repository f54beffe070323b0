import { PlatformError } from '@core/errors/platform-error';
import type { ChannelAccountRef } from './channel-account';

/** The stored (decrypted) credentials before their provider has read them. */
export type RawCredentials = Readonly<Record<string, unknown>>;

/**
 * How a provider reads its accounts' stored credentials into its own type. Asked once, when an
 * account is opened for a call, so the provider works with typed credentials (a Meta token, an
 * Evolution server and key) instead of picking fields out of a record at every call.
 */
export interface ChannelCredentials<T> {
  /**
   * The credentials as the provider's type, or a permanent PlatformError naming what is
   * missing: `auth` when the secret itself is (the account then needs re-authorisation, as when
   * the platform refuses it), `rejected` otherwise.
   */
  parse(raw: RawCredentials, account: Pick<ChannelAccountRef, 'id' | 'hub'>): T;
}

/** The credentials type a provider declares. */
export type CredentialsOf<P> = P extends { credentials: ChannelCredentials<infer T> } ? T : never;

/** A permanent failure to read one credential field (see ChannelCredentials.parse). */
export function unusableCredential(
  account: Pick<ChannelAccountRef, 'id' | 'hub'>,
  failure: 'auth' | 'rejected',
  what: string,
): PlatformError {
  return new PlatformError(
    account.hub,
    'open_account',
    failure,
    `${account.hub}: channel account ${account.id} has no ${what}`,
  );
}

/** A non-blank string field of raw credentials, or undefined. */
export function textField(raw: RawCredentials, field: string): string | undefined {
  const value = raw[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
