import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  EVOLUTION_WEBHOOK_EVENTS,
  EvolutionWebhookSettings,
} from '@app/whatsapp/evolution/evolution-instance-bodies';
import { EvolutionInstancesClient } from '@app/whatsapp/evolution/evolution-instances.client';
import {
  EVOLUTION_WEBHOOK_SECRET_HEADER,
  EvolutionWebhookKeys,
} from '@app/whatsapp/evolution/evolution-webhook-keys';
import {
  EvolutionCredentials,
  evolutionAccessOf,
} from '@app/whatsapp/evolution/evolution.credentials';

/**
 * The webhook settings Omnihub gives an Evolution instance, and registering them. Evolution
 * sends the configured headers on every delivery, whatever its own settings, while it leaves
 * the body `apikey` null unless AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=true: the secret
 * header is what authenticates deliveries.
 */
@Injectable()
export class EvolutionWebhookRegistrar {
  constructor(
    private readonly config: AppConfig,
    private readonly accounts: ChannelAccountsService,
    private readonly instances: EvolutionInstancesClient,
    private readonly keys: EvolutionWebhookKeys,
  ) {}

  settings(accountId: string, secret: string): EvolutionWebhookSettings {
    return {
      url: `${this.config.http.publicBaseUrl}/webhooks/evolution/${accountId}`,
      events: EVOLUTION_WEBHOOK_EVENTS,
      headers: { [EVOLUTION_WEBHOOK_SECRET_HEADER]: secret },
    };
  }

  /**
   * Sets the account's webhook (URL, events, secret header) on its instance, issuing the
   * secret first when the account has none. The secret is stored before Evolution is told, so
   * no delivery ever carries a secret Omnihub does not know yet.
   */
  async register(tenantId: string, accountId: string): Promise<void> {
    const account = await this.accounts.open<EvolutionCredentials>(tenantId, accountId);
    const access = evolutionAccessOf(account, 'set_webhook');
    const secret =
      (await this.keys.secretOf(accountId)) ??
      (await this.keys.issue(tenantId, accountId, access.apiKey));
    await this.instances.setWebhook(access, this.settings(accountId, secret));
    await this.keys.markRegistered(accountId);
  }
}
