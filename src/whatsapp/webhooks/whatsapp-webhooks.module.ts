import { Module } from '@nestjs/common';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { MetaInboundHandler } from './meta-inbound.handler';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import { MetaWebhookController } from './meta-webhook.controller';
import { metaWebhookMetrics } from './meta-webhook.metrics';

const httpControllers = [MetaWebhookController];
const inboundHandlers = [MetaInboundHandler];
const services = [MetaWebhookAuthenticator];

/**
 * Meta's WhatsApp webhooks: the signed intake route and the inbox handler for source 'meta'.
 * Exports nothing; the handler is found by the inbox through @InboundHandler().
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [...services, ...inboundHandlers, ...metaWebhookMetrics],
})
export class WhatsappWebhooksModule {}
