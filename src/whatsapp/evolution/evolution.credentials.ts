import type { ChannelAccountRef } from '@core/channel/channel-account';
import { PlatformError } from '@core/errors/platform-error';

/**
 * What an Evolution API channel account holds (decrypted). `baseUrl` is the operator's own
 * Evolution server; `apiKey` is the instance token or the server's global key, sent as the
 * `apikey` header (Evolution accepts either for instance routes). The account's `externalId`
 * is the instance name, which Evolution uses in every path.
 *
 * A type alias rather than an interface, so an EvolutionAccount is also a plain
 * ChannelAccountRef (aliases are assignable to `Record<string, unknown>`, interfaces are not).
 */
export type EvolutionCredentials = {
  baseUrl: string;
  apiKey: string;
};

export type EvolutionAccount = ChannelAccountRef<EvolutionCredentials>;

/** Where and with which key to call one Evolution server. */
export type EvolutionServerAccess = EvolutionCredentials;

/** One instance on one server: everything a per-instance call needs. */
export type EvolutionInstanceAccess = EvolutionServerAccess & { instance: string };

/**
 * The account's server, key and instance, checked before any call: an account saved without
 * them can never work, so the failure is permanent ('auth' for a missing key, so it is flagged
 * for re-authorisation like a rejected one) and no request leaves.
 */
export function evolutionAccessOf(
  account: ChannelAccountRef,
  operation: string,
): EvolutionInstanceAccess {
  const { baseUrl, apiKey } = account.credentials;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw missing(account, operation, 'auth', 'an Evolution apikey');
  }
  if (typeof baseUrl !== 'string' || !isHttpUrl(baseUrl)) {
    throw missing(account, operation, 'rejected', 'an Evolution server URL');
  }
  if (!account.externalId) {
    throw missing(account, operation, 'rejected', 'an Evolution instance name');
  }
  return { baseUrl, apiKey, instance: account.externalId };
}

function missing(
  account: ChannelAccountRef,
  operation: string,
  failure: 'auth' | 'rejected',
  what: string,
): PlatformError {
  return new PlatformError(
    'whatsapp',
    operation,
    failure,
    `whatsapp ${operation}: channel account ${account.id} has no ${what}`,
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
