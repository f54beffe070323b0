import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import type { PendingInboundEvent } from './inbox.repository';
import { addWhenLive } from '@core/queue/fail-fast-add';

/** The `inbound` job carries only the inbox id: the payload stays in PostgreSQL, not Redis. */
export interface InboundJobData {
  inboxId: string;
}

/**
 * Adds `inbound` jobs with jobId = inbox id (see addWhenLive: fails fast while Redis is away,
 * so a webhook is never held open; the sweeper enqueues later).
 */
@Injectable()
export class InboundEnqueuer {
  constructor(@InjectQueue(QueueName.Inbound) private readonly queue: Queue<InboundJobData>) {}

  /** Resolves once every job exists; rejects within `timeoutMs` when Redis cannot take them. */
  enqueue(events: readonly PendingInboundEvent[], timeoutMs: number): Promise<void> {
    return addWhenLive(
      this.queue,
      events.map((event) => ({
        name: event.source,
        data: { inboxId: event.id },
        opts: { jobId: event.id },
      })),
      timeoutMs,
    );
  }
}
