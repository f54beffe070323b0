import { Module } from '@nestjs/common';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { EvolutionInboundHandler } from './evolution-inbound.handler';
import { EvolutionQrStore } from './evolution-webhook-qr.store';
import { EvolutionWebhookKeys } from './evolution-webhook-keys';
import { EvolutionWebhookAuthenticator } from './evolution-webhook.authenticator';
import { EvolutionWebhookController } from './evolution-webhook.controller';

const httpControllers = [EvolutionWebhookController];
const inboundHandlers = [EvolutionInboundHandler];
const services = [EvolutionWebhookAuthenticator, EvolutionQrStore, EvolutionWebhookKeys];

/**
 * Evolution API webhooks: the per-account intake route and the inbox handler for source
 * 'evolution'. Exports the QR store, which the instances API reads until an instance connects,
 * and the webhook keys, which the instances side issues and registers on Evolution.
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [...services, ...inboundHandlers],
  exports: [EvolutionQrStore, EvolutionWebhookKeys],
})
export class EvolutionWebhooksModule {}
