import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { SubscriptionSlots } from './subscription-slots';
import { ActiveSubscriptions } from './active-subscriptions';
import { TenantWebhooksController } from './tenant-webhooks.controller';
import { tenantWebhookMetrics } from './tenant-webhooks.metrics';
import { TenantWebhooksRepository } from './tenant-webhooks.repository';
import { TenantWebhooksService } from './tenant-webhooks.service';
import { WebhookDeliveriesEnqueuer } from './webhook-deliveries.enqueuer';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesRetention } from './webhook-deliveries.retention';
import { WebhookDeliveriesSweeper } from './webhook-deliveries.sweeper';
import { WebhookFanout } from './webhook-fanout';
import { WebhookSender } from './webhook-sender';
import { WebhooksOutProcessor } from './webhooks-out.processor';

const httpControllers = [TenantWebhooksController];
const services = [
  TenantWebhooksService,
  ActiveSubscriptions,
  WebhookFanout,
  WebhookSender,
  WebhookDeliveriesEnqueuer,
];
const repositories = [TenantWebhooksRepository, WebhookDeliveriesRepository, SubscriptionSlots];
const processors = [WebhooksOutProcessor];
const maintenance = [WebhookDeliveriesSweeper, WebhookDeliveriesRetention];

/**
 * Tenant webhooks: messaging events delivered, signed, to URLs tenants subscribe. Not the
 * platforms' webhooks into Omnihub (those live with each platform under /webhooks/...).
 */
@Module({
  imports: [MessagingModule],
  controllers: httpControllers,
  providers: [...services, ...repositories, ...processors, ...maintenance, ...tenantWebhookMetrics],
})
export class TenantWebhooksModule {}
