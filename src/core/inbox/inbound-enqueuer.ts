import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import type { PendingInboundEvent } from './inbox.repository';
import { withDeadline } from './with-deadline';

/** The `inbound` job carries only the inbox id: the payload stays in PostgreSQL, not Redis. */
export interface InboundJobData {
  inboxId: string;
}

export class QueueUnreachableError extends Error {
  constructor(status: string) {
    super(`Queue connection is ${status}`);
    this.name = 'QueueUnreachableError';
  }
}

/**
 * Adds `inbound` jobs with jobId = inbox id, so adding the same event twice (a late add after a
 * Redis blip racing the sweeper's) yields one job. Fails fast instead of waiting for Redis:
 * BullMQ's connection queues commands while it reconnects, which would hold a webhook open.
 */
@Injectable()
export class InboundEnqueuer {
  constructor(@InjectQueue(QueueName.Inbound) private readonly queue: Queue<InboundJobData>) {}

  /** Resolves once every job exists; rejects within `timeoutMs` when Redis cannot take them. */
  enqueue(events: readonly PendingInboundEvent[], timeoutMs: number): Promise<void> {
    return withDeadline(this.add(events), timeoutMs, 'Enqueueing inbound events');
  }

  private async add(events: readonly PendingInboundEvent[]): Promise<void> {
    const client = await this.queue.getBackend().client;
    // While the connection is down, skip the add rather than park it in the offline queue: the
    // row is durable and the sweeper will enqueue it once Redis is back.
    const live = client.status === 'ready' || (client.isCluster && client.status === 'connect');
    if (!live) throw new QueueUnreachableError(client.status);
    await this.queue.addBulk(
      events.map((event) => ({
        name: event.source,
        data: { inboxId: event.id },
        opts: { jobId: event.id },
      })),
    );
  }
}
