import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { MetaWebhooksModule } from '@app/meta/webhooks/meta-webhooks.module';
import { MetaInboundHandler } from './meta-inbound.handler';
import { whatsappWebhookMetrics } from './whatsapp-webhook.metrics';

const inboundHandlers = [MetaInboundHandler];

/**
 * WhatsApp's side of Meta's webhooks: the inbox handler for the whatsapp_business_account
 * source. The route itself (`/webhooks/meta`, shared with Instagram) comes with
 * MetaWebhooksModule. Exports nothing; the handler is found by the inbox through
 * @InboundHandler().
 */
@Module({
  imports: [MessagingModule, MetaWebhooksModule],
  providers: [...inboundHandlers, ...whatsappWebhookMetrics],
})
export class WhatsappWebhooksModule {}
