import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { safeEqual, verifySha256Signature } from '@core/crypto/hmac';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { phoneNumberIdsOf } from './meta-webhook.parser';

/** The credentials fields the webhook side reads (see meta-cloud.credentials.ts). */
interface WebhookCredentials {
  appSecret?: string;
  verifyToken?: string;
}

/** A forged body naming many numbers must not buy many account lookups. */
const MAX_ACCOUNT_LOOKUPS = 10;

/**
 * Authenticity of Meta's webhooks. Deliveries are signed with the app secret of the Meta app
 * the number is subscribed through: the global META_APP_SECRET, or an account's own app
 * secret when that number belongs to another Meta app.
 */
@Injectable()
export class MetaWebhookAuthenticator {
  constructor(
    private readonly config: AppConfig,
    private readonly accounts: ChannelAccountsService,
  ) {}

  /** The GET handshake: timing-safe comparison with META_VERIFY_TOKEN. */
  isVerifyTokenValid(token: string | undefined): boolean {
    const expected = this.config.meta.verifyToken;
    return Boolean(token && expected && safeEqual(token, expected));
  }

  /**
   * True when `signature` is the HMAC of `rawBody` under the global app secret, or under the
   * own app secret shared by every account the payload names (one Meta app signs a whole
   * delivery, so a secret of one account never vouches for another account's events).
   */
  async isSignatureValid(
    signature: string | undefined,
    rawBody: Buffer | undefined,
    payload: unknown,
  ): Promise<boolean> {
    if (!signature || !rawBody) return false;
    const globalSecret = this.config.meta.appSecret;
    if (globalSecret && verifySha256Signature(signature, globalSecret, rawBody)) return true;

    const ids = phoneNumberIdsOf(payload);
    if (ids.length === 0 || ids.length > MAX_ACCOUNT_LOOKUPS) return false;
    const secrets = await Promise.all(ids.map((id) => this.ownAppSecret(id)));
    const [secret] = secrets;
    if (!secret || secrets.some((other) => other !== secret)) return false;
    return verifySha256Signature(signature, secret, rawBody);
  }

  private async ownAppSecret(phoneNumberId: string): Promise<string | undefined> {
    const account = await this.accounts.openByExternalId<WebhookCredentials>(
      'whatsapp',
      'meta-cloud',
      phoneNumberId,
    );
    const secret = account?.credentials.appSecret;
    return typeof secret === 'string' && secret !== '' ? secret : undefined;
  }
}
