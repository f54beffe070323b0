import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { MessagesRepository } from '../messages/messages.repository';
import { SendOutcomesRepository } from '../messages/send-outcomes.repository';
import { OutboundDispatcher } from './outbound.dispatcher';
import { SEND_INTERRUPTED } from './outbound-sender';

const BATCH = 500;

/**
 * The outbox half of "accepted means sent eventually": messages stored as queued whose job
 * never reached Redis are enqueued again (jobId = message id, so a job that did arrive is
 * not doubled; one that already finished while the message stayed queued is replaced). A
 * maintenance task, like the inbox's sweeper.
 *
 * Claims (`sending`) older than the stalled threshold belong to a worker that died with a
 * job Redis no longer has (otherwise the job's next run settles them): they become
 * `unknown`, never queued again, since the platform may have the message.
 */
@Injectable()
@MaintenanceTask()
export class OutboxSweeper implements PeriodicTask {
  readonly name = 'outbox.sweep';
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly messages: MessagesRepository,
    private readonly outcomes: SendOutcomesRepository,
    private readonly dispatcher: OutboundDispatcher,
  ) {}

  get everyMs(): number {
    return this.config.inbox.sweepIntervalMs;
  }

  async run(): Promise<number> {
    const abandoned = await this.outcomes.abandonClaimsOlderThan(
      this.config.inbox.sweepStalledAfterMs,
      SEND_INTERRUPTED,
      'The send was claimed but never finished (worker and job lost); it may have been sent',
    );
    if (abandoned) this.logger.warn({ count: abandoned }, 'Abandoned sends marked unknown');
    return (await this.sweepOnce()) + abandoned;
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
    for (const id of ids) await this.dispatcher.enqueueAfresh(id);
    if (ids.length)
      this.logger.log({ count: ids.length }, 'Re-enqueued stranded outbound messages');
    return ids.length;
  }
}
