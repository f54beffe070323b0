import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { MessagesRepository } from '../messages/messages.repository';
import { OutboundDispatcher } from './outbound.dispatcher';

const BATCH = 500;

/**
 * The outbox half of "accepted means sent eventually": messages stored as queued whose job
 * never reached Redis are enqueued again (jobId = message id, so a job that did arrive is
 * not doubled). A maintenance task, like the inbox's sweeper.
 */
@Injectable()
@MaintenanceTask()
export class OutboxSweeper implements PeriodicTask {
  readonly name = 'outbox.sweep';
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly messages: MessagesRepository,
    private readonly dispatcher: OutboundDispatcher,
  ) {}

  get everyMs(): number {
    return this.config.inbox.sweepIntervalMs;
  }

  run(): Promise<number> {
    return this.sweepOnce();
  }

  /** Enqueues stranded messages; returns how many it handed to the queue. */
  async sweepOnce(): Promise<number> {
    const ids = await this.messages.findUnenqueued(
      {
        neverEnqueuedMs: this.config.inbox.sweepAfterMs,
        stalledMs: this.config.inbox.sweepStalledAfterMs,
      },
      BATCH,
    );
    for (const id of ids) await this.dispatcher.enqueue(id);
    if (ids.length)
      this.logger.log({ count: ids.length }, 'Re-enqueued stranded outbound messages');
    return ids.length;
  }
}
