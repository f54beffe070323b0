import { getQueueToken } from '@nestjs/bullmq';
import { Provider } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@config/config.module';
import { DatabaseModule } from '@core/database/database.module';
import { InboxModule } from '@core/inbox/inbox.module';
import { InboxRetention } from '@core/inbox/inbox.retention';
import { InboxService } from '@core/inbox/inbox.service';
import { InboxSweeper } from '@core/inbox/inbox.sweeper';
import { LoggerModule } from '@core/observability/logger.module';
import { MetricsModule } from '@core/observability/metrics.module';
import { QueueName } from '@core/queue/queue-names';
import { QueueModule } from '@core/queue/queue.module';
import { RedisModule } from '@core/redis/redis.module';
import { testConfig } from '@test/support/test-app';

export interface InboxRow {
  id: string;
  source: string;
  external_id: string;
  tenant_id: string | null;
  account_ref: string | null;
  payload: unknown;
  received_at: Date;
  enqueued_at: Date | null;
  processed_at: Date | null;
  attempts: number;
  last_error: string | null;
}

export interface InboxTestContext {
  moduleRef: TestingModule;
  inbox: InboxService;
  sweeper: InboxSweeper;
  retention: InboxRetention;
  inboundQueue: Queue;
  maintenanceQueue: Queue;
  db: DataSource;
  row(id: string): Promise<InboxRow | undefined>;
  /** Value of `inbox_intake_total` for one source and outcome. */
  intakeCount(source: string, outcome: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real infrastructure modules plus InboxModule (the lead wires it into AppModule later),
 * with `handlers` as extra providers. Each context gets its own queue prefix under this run's,
 * so its workers never take another context's jobs and teardown still deletes its keys.
 */
export async function createInboxContext(
  overrides: Record<string, string>,
  handlers: Provider[] = [],
): Promise<InboxTestContext> {
  register.clear();
  const config = testConfig({
    // Jest reuses worker processes across files, so neither pid nor a counter is unique.
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}inbox-${randomUUID()}`,
    ...overrides,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forConfig(config),
      LoggerModule,
      MetricsModule,
      DatabaseModule,
      RedisModule,
      QueueModule,
      InboxModule,
    ],
    providers: handlers,
  }).compile();
  moduleRef.useLogger(moduleRef.get(Logger));
  await moduleRef.init();

  const db = moduleRef.get(DataSource);
  return {
    moduleRef,
    inbox: moduleRef.get(InboxService),
    sweeper: moduleRef.get(InboxSweeper),
    retention: moduleRef.get(InboxRetention),
    inboundQueue: moduleRef.get(getQueueToken(QueueName.Inbound)),
    maintenanceQueue: moduleRef.get(getQueueToken(QueueName.Maintenance)),
    db,
    async row(id) {
      const rows: InboxRow[] = await db.query('SELECT * FROM inbound_events WHERE id = $1', [id]);
      return rows[0];
    },
    async intakeCount(source, outcome) {
      const metric = await register.getSingleMetric('inbox_intake_total')?.get();
      const value = metric?.values.find(
        (v) => v.labels.source === source && v.labels.outcome === outcome,
      );
      return value?.value ?? 0;
    },
    close: () => moduleRef.close(),
  };
}

export { eventually } from '@test/support/eventually';
