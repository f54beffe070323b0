import { Injectable } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { safeEqual } from '@core/crypto/hmac';
import { NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { asObject, asString } from '@app/whatsapp/webhooks/meta-payload.reader';
import { InvalidEvolutionWebhookKeyError } from './evolution-webhook.errors';

/** The one credentials field the webhook side reads (the provider owns the full shape). */
interface WebhookCredentials {
  apiKey?: string;
}

/**
 * Authenticity of Evolution's webhooks: Evolution puts the instance key in the body's `apikey`
 * (or a configured `apikey` header); it must be the key sealed in the account's credentials.
 */
@Injectable()
export class EvolutionWebhookAuthenticator {
  constructor(private readonly accounts: ChannelAccountsService) {}

  /**
   * The account `accountId` names, if the payload comes from its instance with its key.
   * The account is found through the instance the payload names (accounts are unique per
   * hub + provider + external id) and must be the one in the URL: a delivery for another
   * instance, or for a non-Evolution account, is a 404.
   */
  async authenticate(
    accountId: string,
    payload: unknown,
    headerKey: string | undefined,
  ): Promise<ChannelAccountRef<WebhookCredentials>> {
    const instance = asString(asObject(payload)?.instance);
    const account = instance
      ? await this.accounts.openByExternalId<WebhookCredentials>('whatsapp', 'evolution', instance)
      : null;
    if (!account || account.id !== accountId) throw new NotFoundError('Channel account');

    const expected = account.credentials.apiKey;
    const offered = [asString(asObject(payload)?.apikey), headerKey].filter(
      (key): key is string => typeof key === 'string' && key !== '',
    );
    // Every offered key is compared, so the time taken does not tell which one matched.
    const matches = offered.map((key) => Boolean(expected) && safeEqual(key, expected ?? ''));
    if (!matches.includes(true)) throw new InvalidEvolutionWebhookKeyError();
    return account;
  }
}
