import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { EvolutionModule } from '@app/whatsapp/evolution/evolution.module';
import { EvolutionWebhooksModule } from '@app/whatsapp/evolution/evolution-webhooks.module';
import { EvolutionInstanceProvisioner } from './evolution-instance.provisioner';
import { EvolutionInstancesController } from './evolution-instances.controller';
import { EvolutionInstancesService } from './evolution-instances.service';
import { EvolutionWebhookRegistrationTask } from './evolution-webhook-registration.task';
import { EvolutionWebhookRegistrar } from './evolution-webhook.registrar';
import { SessionClock } from './session-clock';
import { SessionHealthChecker } from './session-health.checker';
import { sessionHealthMetrics } from './session-health.metrics';
import { SessionRetryBackoff } from './session-retry.backoff';

const httpControllers = [EvolutionInstancesController];
const services = [
  EvolutionInstanceProvisioner,
  EvolutionInstancesService,
  EvolutionWebhookRegistrar,
];
const sessionHealth = [SessionClock, SessionRetryBackoff, SessionHealthChecker];
const maintenance = [EvolutionWebhookRegistrationTask];

/**
 * Evolution instances for the frontend (connect with QR / pairing code, list, QR, logout,
 * delete, recovery), the session health check and the webhook registration (maintenance
 * tasks). Exports the instances service so the status route can show Evolution's session state.
 */
@Module({
  imports: [MessagingModule, EvolutionModule, EvolutionWebhooksModule],
  controllers: httpControllers,
  providers: [...services, ...sessionHealth, ...sessionHealthMetrics, ...maintenance],
  exports: [EvolutionInstancesService],
})
export class EvolutionInstancesModule {}
