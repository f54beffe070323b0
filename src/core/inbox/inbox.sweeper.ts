import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { InboundEnqueuer } from './inbound-enqueuer';
import { INBOX_SWEPT_TOTAL } from './inbox.metrics';
import { InboxRepository } from './inbox.repository';

const BATCH_SIZE = 500;
/** Bounds one run (10 000 rows); a larger backlog is finished by the next runs. */
const MAX_BATCHES_PER_RUN = 20;
/** A batch's rows stay locked while Redis takes them; keep that well under the database's
 * idle-in-transaction timeout. */
const BATCH_ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * Enqueues inbox rows that intake stored but could not enqueue (Redis down or slow), and rows
 * whose job Redis lost (their job never ran long after it was added). Runs as
 * the `inbox.sweep` maintenance job; safe to run on many pods at once (rows are claimed with
 * SKIP LOCKED) and against rows that were enqueued late after all (same jobId, one job).
 */
@Injectable()
@MaintenanceTask()
export class InboxSweeper implements PeriodicTask {
  readonly name = 'inbox.sweep';
  private readonly logger = new Logger(InboxSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly inbox: InboxRepository,
    private readonly enqueuer: InboundEnqueuer,
    @InjectMetric(INBOX_SWEPT_TOTAL) private readonly swept: Counter,
  ) {}

  get everyMs(): number {
    return this.config.inbox.sweepIntervalMs;
  }

  run(): Promise<number> {
    return this.sweepOnce();
  }

  /** Returns how many rows it enqueued. Throws if Redis cannot take a batch. */
  async sweepOnce(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const count = await this.inbox.withPendingBatch(
        {
          neverEnqueuedMs: this.config.inbox.sweepAfterMs,
          stalledMs: this.config.inbox.sweepStalledAfterMs,
        },
        BATCH_SIZE,
        (rows) => this.enqueuer.enqueue(rows, BATCH_ENQUEUE_TIMEOUT_MS),
      );
      total += count;
      if (count < BATCH_SIZE) break;
    }
    if (total) {
      this.swept.inc(total);
      this.logger.log({ count: total }, 'Enqueued inbound events that intake could not enqueue');
    }
    return total;
  }
}
