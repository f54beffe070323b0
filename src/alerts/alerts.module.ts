import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { MessagingModule } from '@app/messaging/messaging.module';
import { AlertDeliveriesEnqueuer } from './alert-deliveries.enqueuer';
import { AlertGate } from './alert-gate';
import { AlertSender } from './alert-sender';
import { AlertTargets } from './alert-targets';
import { alertMetrics } from './alerts.metrics';
import { AlertsProcessor } from './alerts.processor';
import { AlertsService } from './alerts.service';
import { AlertChannelsController } from './channels/alert-channels.controller';
import { AlertChannelsRepository } from './channels/alert-channels.repository';
import { AlertChannelsService } from './channels/alert-channels.service';
import { AlertHistoryRetention } from './history/alert-history.retention';
import { AlertsController } from './history/alerts.controller';
import { AlertsRepository } from './history/alerts.repository';
import { HubCallWindows } from './hub-thresholds/hub-call-windows';
import { HubThresholdAlertsTask } from './hub-thresholds/hub-threshold-alerts.task';
import { AccountAlerts } from './triggers/account-alerts';
import { CircuitAlerts } from './triggers/circuit-alerts';
import { QueueAlertsTask } from './triggers/queue-alerts.task';

const httpControllers = [AlertsController, AlertChannelsController];
const services = [
  AlertsService,
  { provide: AlertRaiser, useExisting: AlertsService },
  AlertGate,
  AlertTargets,
  AlertDeliveriesEnqueuer,
  AlertSender,
  AlertChannelsService,
];
const repositories = [AlertsRepository, AlertChannelsRepository];
const processors = [AlertsProcessor, AlertHistoryRetention];
const triggers = [
  CircuitAlerts,
  AccountAlerts,
  QueueAlertsTask,
  HubCallWindows,
  HubThresholdAlertsTask,
];

/**
 * Alerts: raised by triggers here (circuits, account status on the messaging event stream,
 * queue counts, hub thresholds) and by any module through `AlertRaiser` (global), recorded in
 * the history (resolved ones pruned after ALERTS_HISTORY_RETENTION_DAYS), deduplicated across pods, and delivered to Slack, Discord, signed webhooks and
 * the log through the `alerts` queue.
 */
@Global()
@Module({
  imports: [MessagingModule, DiscoveryModule],
  controllers: httpControllers,
  providers: [...services, ...repositories, ...processors, ...triggers, ...alertMetrics],
  exports: [AlertRaiser],
})
export class AlertsModule {}
