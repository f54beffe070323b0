import { Module } from '@nestjs/common';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { MetaWebhookAuthenticator } from './meta-webhook.authenticator';
import { MetaWebhookController } from './meta-webhook.controller';
import { metaWebhookMetrics } from './meta-webhook.metrics';
import { MetaWebhookReceiver } from './meta-webhook.receiver';
import { MetaWebhookRoute } from './meta-webhook.route';

const httpControllers = [MetaWebhookController];
const directRoutes = [MetaWebhookRoute];
const services = [MetaWebhookAuthenticator, MetaWebhookReceiver];

/**
 * `/webhooks/meta` for every Meta product: the handshake, the signature check and the intake
 * into a per-object inbox source. Products do not import each other to share it: each imports
 * this module (Nest keeps one instance) and registers an @InboundHandler() for its source.
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [...services, ...directRoutes, ...metaWebhookMetrics],
})
export class MetaWebhooksModule {}
