import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';
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
 * Reads an Evolution account's stored credentials when it is opened: without a key the account
 * needs re-authorisation ('auth'); without a usable server URL it can never work ('rejected').
 */
export const EVOLUTION_CREDENTIALS: ChannelCredentials<EvolutionCredentials> = {
  parse(raw, account) {
    const apiKey = textField(raw, 'apiKey');
    if (!apiKey) throw unusableCredential(account, 'auth', 'Evolution apikey');
    const baseUrl = textField(raw, 'baseUrl');
    if (!baseUrl || !isHttpUrl(baseUrl)) {
      throw unusableCredential(account, 'rejected', 'Evolution server URL');
    }
    return { baseUrl, apiKey };
  },
};

/**
 * The account's server, key and instance for one call. An opened account's credentials are
 * already read (EVOLUTION_CREDENTIALS); a blank key, a bad URL or a missing instance name can
 * still come from an account built by hand, and can never work, so the failure is permanent
 * ('auth' for the key, so it is flagged for re-authorisation like a rejected one) and no request
 * leaves.
 */
export function evolutionAccessOf(
  account: EvolutionAccount,
  operation: string,
): EvolutionInstanceAccess {
  const { baseUrl, apiKey } = account.credentials;
  if (apiKey.trim() === '') {
    throw missing(account, operation, 'auth', 'an Evolution apikey');
  }
  if (!isHttpUrl(baseUrl)) {
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
