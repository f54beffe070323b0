import { AppConfig } from '@config/app-config';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ALL_QUEUES } from './queue-names';
import { DEFAULT_JOB_OPTIONS } from './queue-defaults';
import { QUEUE_CONNECTION_MONITOR } from './queue-connection-monitor';
import { WorkerRunner } from './worker-runner';
import { QueueInspector } from './queue-inspector';
import { QueueJobsMetric } from './queue-jobs.metric';
import { queueMetrics } from './queue.metrics';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceRegistry } from './maintenance.registry';
import { MaintenanceScheduler } from './maintenance.scheduler';

const maintenance = [MaintenanceRegistry, MaintenanceScheduler, MaintenanceProcessor];

const queues = BullModule.registerQueue(
  ...ALL_QUEUES.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS })),
);

/** BullMQ connection from config, and every queue registered with the house defaults. */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redis.url },
        prefix: config.redis.prefix,
      }),
    }),
    queues,
  ],
  providers: [
    WorkerRunner,
    QUEUE_CONNECTION_MONITOR,
    QueueInspector,
    QueueJobsMetric,
    ...queueMetrics,
    ...maintenance,
  ],
  exports: [queues, WorkerRunner, MaintenanceRegistry, QueueInspector],
})
export class QueueModule {}
