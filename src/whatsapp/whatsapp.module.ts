import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { WhatsappController } from './http/whatsapp.controller';
import { WhatsappMediaController } from './http/whatsapp-media.controller';
import { WhatsappMediaService } from './http/whatsapp-media.service';
import { WhatsappOperationsService } from './http/whatsapp-operations.service';
import { EvolutionWebhooksModule } from './evolution/evolution-webhooks.module';
import { EvolutionInstancesModule } from './instances/evolution-instances.module';
import { MetaCloudModule } from './meta-cloud/meta-cloud.module';
import { CustomerServiceWindowRule } from './rules/customer-service-window.rule';
import { TemplateCatalog } from './templates/template-catalog';
import { TemplateSendRule } from './templates/template-send.rule';
import { MetaTemplateCategories } from './templates/meta-template-categories';
import { WhatsappWebhooksModule } from './webhooks/whatsapp-webhooks.module';
import { WhatsappHealthIndicator } from './whatsapp.health-indicator';

const httpControllers = [WhatsappController, WhatsappMediaController];
const services = [WhatsappOperationsService, WhatsappMediaService, TemplateCatalog];
const outboundRules = [CustomerServiceWindowRule, TemplateSendRule, MetaTemplateCategories];
const healthIndicators = [WhatsappHealthIndicator];

/**
 * WhatsApp: the Cloud API and Evolution providers, their webhooks, Evolution instances and
 * session health, the platform rules and the frontend's routes.
 */
@Module({
  imports: [
    MessagingModule,
    MetaCloudModule,
    WhatsappWebhooksModule,
    EvolutionWebhooksModule,
    EvolutionInstancesModule,
  ],
  controllers: httpControllers,
  providers: [...services, ...outboundRules, ...healthIndicators],
})
export class WhatsappModule {}
