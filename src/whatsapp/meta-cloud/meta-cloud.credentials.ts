import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';
import { PlatformError } from '@core/errors/platform-error';

/**
 * What a Cloud API channel account holds (decrypted). The account's `externalId` is its
 * phone_number_id; the WABA id addresses the templates. The app secret serves the webhook side;
 * when absent, the global META_APP_SECRET applies. (The webhook verify token is not here: it is
 * only compared, so the account row keeps its SHA-256 instead.)
 *
 * A type alias rather than an interface, so a MetaCloudAccount is also a plain
 * ChannelAccountRef (aliases are assignable to `Record<string, unknown>`, interfaces are not).
 */
export type MetaCloudCredentials = {
  accessToken: string;
  /** Every account connected through the API has it; only template calls need it. */
  wabaId?: string;
  appSecret?: string;
};

export type MetaCloudAccount = ChannelAccountRef<MetaCloudCredentials>;

/**
 * Reads a Cloud API account's stored credentials when it is opened. Without a token nothing
 * can work, so that is an `auth` failure (flagged for re-authorisation like an expired token).
 */
export const META_CLOUD_CREDENTIALS: ChannelCredentials<MetaCloudCredentials> = {
  parse(raw, account) {
    const accessToken = textField(raw, 'accessToken');
    if (!accessToken) throw unusableCredential(account, 'auth', 'Meta access token');
    const wabaId = textField(raw, 'wabaId');
    const appSecret = textField(raw, 'appSecret');
    return { accessToken, ...(wabaId ? { wabaId } : {}), ...(appSecret ? { appSecret } : {}) };
  },
};

/**
 * The account's token and phone number id for one call. An opened account's credentials are
 * already read (META_CLOUD_CREDENTIALS); a blank token or id can still come from an account
 * built by hand, and can never work, so the failure is permanent ('auth' for the token, so it is
 * flagged for re-authorisation like an expired one) and no request leaves.
 */
export function metaAccessOf(
  account: MetaCloudAccount,
  operation: string,
): { accessToken: string; phoneNumberId: string } {
  const { accessToken } = account.credentials;
  if (accessToken.trim() === '') {
    throw new PlatformError(
      'whatsapp',
      operation,
      'auth',
      `whatsapp ${operation}: channel account ${account.id} has no Meta access token`,
    );
  }
  if (!account.externalId) {
    throw new PlatformError(
      'whatsapp',
      operation,
      'rejected',
      `whatsapp ${operation}: channel account ${account.id} has no phone number id`,
    );
  }
  return { accessToken, phoneNumberId: account.externalId };
}

/** The WhatsApp Business Account id, needed for template calls only. */
export function metaWabaIdOf(account: MetaCloudAccount, operation: string): string {
  const { wabaId } = account.credentials;
  if (!wabaId?.trim()) {
    throw new PlatformError(
      'whatsapp',
      operation,
      'rejected',
      `whatsapp ${operation}: channel account ${account.id} has no WhatsApp Business Account id`,
    );
  }
  return wabaId;
}
