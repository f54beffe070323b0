import type { ChannelAccountRef } from '@core/channel/channel-account';
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
  wabaId: string;
  appSecret?: string;
};

export type MetaCloudAccount = ChannelAccountRef<MetaCloudCredentials>;

/**
 * The account's token and ids, checked before any call: an account saved without them can
 * never work, so the failure is permanent ('auth' for the token, so it is flagged for
 * re-authorisation like an expired one) and no request leaves.
 */
export function metaAccessOf(
  account: ChannelAccountRef,
  operation: string,
): { accessToken: string; phoneNumberId: string } {
  const { accessToken } = account.credentials;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
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
export function metaWabaIdOf(account: ChannelAccountRef, operation: string): string {
  const { wabaId } = account.credentials;
  if (typeof wabaId !== 'string' || wabaId.trim() === '') {
    throw new PlatformError(
      'whatsapp',
      operation,
      'rejected',
      `whatsapp ${operation}: channel account ${account.id} has no WhatsApp Business Account id`,
    );
  }
  return wabaId;
}
