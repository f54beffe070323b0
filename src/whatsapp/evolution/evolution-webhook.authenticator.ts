import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { timingSafeEqual } from 'node:crypto';
import { asObject, asString } from '@app/messaging/inbound/webhook-payload.reader';
import { EvolutionWebhookKeys, webhookKeyDigest } from './evolution-webhook-keys';
import {
  EvolutionWebhookKeysPendingError,
  InvalidEvolutionWebhookKeyError,
} from './evolution-webhook.errors';

/** The keys a delivery may carry; any one of them may prove it. */
export interface OfferedEvolutionKeys {
  /** The per-account secret Omnihub registers as a webhook header (always sent by Evolution). */
  secretHeader?: string;
  /** An `apikey` header (an operator may configure one by hand). */
  apikeyHeader?: string;
}

export interface AuthenticatedEvolutionAccount {
  id: string;
  tenantId: string;
}

/** Compared with when there is nothing to compare with, so that costs what a wrong key costs. */
const NO_KEY_DIGEST = webhookKeyDigest('no key');
const NO_ACCOUNT_DIGESTS = { secret: NO_KEY_DIGEST, instanceKey: NO_KEY_DIGEST };

/**
 * Authenticity of Evolution's webhooks. A delivery proves itself with the account's webhook
 * secret (the header registered with the webhook) or the instance key (body `apikey`, which
 * Evolution fills only with AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=true, or an `apikey`
 * header). Only SHA-256 digests are compared, timing-safely, so no credential is opened for
 * a caller who has not proved anything; an unknown account, a wrong key and a body naming
 * another instance all answer the same 401.
 */
@Injectable()
export class EvolutionWebhookAuthenticator {
  constructor(private readonly keys: EvolutionWebhookKeys) {}

  async authenticate(
    accountId: string,
    payload: unknown,
    offered: OfferedEvolutionKeys,
  ): Promise<AuthenticatedEvolutionAccount> {
    const account = isUUID(accountId) ? await this.keys.digestsFor(accountId) : null;
    const digests = account?.digests ?? NO_ACCOUNT_DIGESTS;
    const instanceKeys = [offered.apikeyHeader, asString(asObject(payload)?.apikey)];
    // Every offered key is compared, so the time taken does not tell which one matched.
    const matches = [
      matchesDigest(offered.secretHeader, digests.secret),
      ...instanceKeys.map((key) => matchesDigest(key, digests.instanceKey)),
    ];
    if (account && !account.digests) {
      // Created before webhook secrets: the registration task gives it one within a pass,
      // and Evolution retries a 503 (it drops a 401).
      throw new EvolutionWebhookKeysPendingError();
    }
    const instance = asString(asObject(payload)?.instance);
    if (!account?.digests || !matches.includes(true) || instance !== account.instance) {
      throw new InvalidEvolutionWebhookKeyError();
    }
    return { id: account.accountId, tenantId: account.tenantId };
  }
}

function matchesDigest(key: string | undefined, expected: Buffer | null): boolean {
  if (typeof key !== 'string' || key === '') return false;
  const digest = webhookKeyDigest(key);
  return timingSafeEqual(digest, expected ?? NO_KEY_DIGEST) && expected !== null;
}
