import { AppConfig } from '@config/app-config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { MessagesRepository } from '../messages/messages.repository';
import { OutboundDispatcher } from './outbound.dispatcher';
import { OutboundJob, OutboundJobData } from './outbound-job';

const BATCH = 500;

/**
 * The outbox half of "accepted means sent eventually": messages stored as queued whose job
 * never reached Redis are enqueued again (jobId = message id, so a job that did arrive is
 * not doubled). Runs as a repeatable job on the outbound queue in worker roles.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly messages: MessagesRepository,
    private readonly dispatcher: OutboundDispatcher,
    @InjectQueue(QueueName.Outbound) private readonly queue: Queue<OutboundJobData>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorkers) return;
    try {
      await this.queue.upsertJobScheduler(
        OutboundJob.Sweep,
        { every: this.config.inbox.sweepIntervalMs },
        {
          name: OutboundJob.Sweep,
          opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
        },
      );
    } catch (error) {
      this.logger.error({ err: error }, 'Could not register the outbox sweep schedule');
    }
  }

  /** Enqueues stranded messages; returns how many it handed to the queue. */
  async sweepOnce(): Promise<number> {
    const ids = await this.messages.findUnenqueued(this.config.inbox.sweepAfterMs, BATCH);
    for (const id of ids) await this.dispatcher.enqueue(id);
    if (ids.length)
      this.logger.log({ count: ids.length }, 'Re-enqueued stranded outbound messages');
    return ids.length;
  }
}
