import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { CircuitsService } from './circuits/circuits.service';
import { HubHealthService } from './health/hub-health.service';
import { HubHealthController } from './hub-health.controller';
import { HubAudit } from './hub-audit';
import { HubMessagesCounter, hubMessagesMetric } from './metrics/hub-messages.counter';
import { HubMetricsService } from './metrics/hub-metrics.service';
import { DeadLetterDiscardsRepository } from './queues/dead-letter-discards.repository';
import { DeadLettersMetric } from './queues/dead-letters.metric';
import { DeadLettersService } from './queues/dead-letters.service';
import { QueuesController } from './queues/queues.controller';

const httpControllers = [HubHealthController, QueuesController];
const services = [HubHealthService, CircuitsService, HubMetricsService, DeadLettersService];
const repositories = [HubAudit, DeadLetterDiscardsRepository];
const metrics = [DeadLettersMetric, HubMessagesCounter, hubMessagesMetric];

/**
 * The ops view of every hub (DESIGN.md "Surfaces", /api/v2/hub/...): health per hub, provider
 * and account from the cluster's circuits and 5-minute call stats; circuit status and resets
 * that reach every pod; queues and dead letters with re-drive and discard; `dead_letters`
 * and `hub_messages_total` (from the messaging event stream).
 * Hubs are found through CHANNEL_PROVIDERS, never listed here.
 */
@Module({
  imports: [MessagingModule],
  controllers: httpControllers,
  providers: [...services, ...repositories, ...metrics],
})
export class HubHealthModule {}
