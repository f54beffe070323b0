import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { RawCredentials, textField } from '@core/channel/channel-credentials';
import { safeEqual, verifySha256Signature } from '@core/crypto/hmac';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { metaEntryOwnerKinds, metaWebhookObjectOf } from './meta-webhook-objects';

/** What Meta sends: `sha256=` and the hex HMAC-SHA256 of the raw body. */
const SIGNATURE_HEADER = /^sha256=[0-9a-f]{64}$/i;

/**
 * Authenticity of Meta's webhooks, for every product. Deliveries are signed with the app secret
 * of the Meta app the entry's owner is subscribed through: the global META_APP_SECRET, or an
 * account's own app secret when that business number, Instagram account or Page belongs to
 * another Meta app.
 */
@Injectable()
export class MetaWebhookAuthenticator {
  constructor(
    private readonly config: AppConfig,
    private readonly accounts: ChannelAccountsService,
  ) {}

  /**
   * The GET handshake: META_VERIFY_TOKEN (timing-safe), or the verify token an account of a
   * Meta product was connected with, for an account on a Meta app of its own whose dashboard
   * names that token.
   */
  async isVerifyTokenValid(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const global = this.config.meta.verifyToken;
    if (global && safeEqual(token, global)) return true;
    return this.accounts.hasWebhookVerifyToken(metaEntryOwnerKinds(), token);
  }

  /**
   * True when `signature` is the HMAC of `rawBody` under the global app secret, or under the
   * own app secret shared by every owner the payload names (one Meta app signs a whole
   * delivery, so a secret of one account never vouches for another account's entries). Owners
   * are found by the delivery's `object`: business numbers for WhatsApp, the entries' ids
   * (Instagram accounts, Pages) for Instagram; an object no product consumes has no owner, so
   * only the global secret can sign it.
   *
   * A forged delivery costs a bounded amount whatever it names: a malformed header nothing,
   * else one HMAC, one query for all the owners it names, one decryption and one more HMAC.
   * Only a delivery that verified under the first account's secret pays for opening the other
   * accounts, to check that they share it; so no cap on the count of owners is needed.
   */
  async isSignatureValid(
    signature: string | undefined,
    rawBody: Buffer | undefined,
    payload: unknown,
  ): Promise<boolean> {
    return (
      this.isSignedByAppSecret(signature, rawBody) ||
      this.isSignedByOwnersSecret(signature, rawBody, payload)
    );
  }

  /**
   * The common case, decided on the bytes alone and without waiting: signed with the global
   * META_APP_SECRET. When false, isSignedByOwnersSecret still may vouch for the delivery.
   */
  isSignedByAppSecret(signature: string | undefined, rawBody: Buffer | undefined): boolean {
    const globalSecret = this.config.meta.appSecret;
    return Boolean(
      globalSecret &&
      signature &&
      rawBody &&
      SIGNATURE_HEADER.test(signature) &&
      verifySha256Signature(signature, globalSecret, rawBody),
    );
  }

  /** Signed with the own app secret every owner the payload names shares (see isSignatureValid). */
  async isSignedByOwnersSecret(
    signature: string | undefined,
    rawBody: Buffer | undefined,
    payload: unknown,
  ): Promise<boolean> {
    if (!signature || !rawBody || !SIGNATURE_HEADER.test(signature)) return false;
    const owners = metaWebhookObjectOf(payload)?.owners;
    const ids = owners?.idsOf(payload) ?? [];
    if (!owners || ids.length === 0) return false;
    const accounts = await this.accounts.sealedByExternalIds(owners, ids);
    // An owner with no account has no secret of its own to vouch for its entries.
    if (new Set(accounts.map((account) => account.externalId)).size !== ids.length) return false;
    const [first, ...others] = accounts;
    const secret = ownAppSecretOf(first.openCredentials());
    if (!secret || !verifySha256Signature(signature, secret, rawBody)) return false;
    return others.every((account) => {
      const other = ownAppSecretOf(account.openCredentials());
      return other !== undefined && safeEqual(other, secret);
    });
  }
}

/**
 * Every Meta product's account may carry the secret of its own Meta app under `appSecret` (see
 * whatsapp's meta-cloud.credentials.ts); the webhook side reads that one field.
 */
function ownAppSecretOf(credentials: RawCredentials): string | undefined {
  return textField(credentials, 'appSecret');
}
