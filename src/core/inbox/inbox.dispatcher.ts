import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { describeError } from '@core/observability/error-serializer';
import { InboundEventRecord } from './inbound-event-handler';
import { InboundHandlerRegistry } from './inbound-handler.registry';
import { InboxRepository } from './inbox.repository';

/** What became of one `inbound` job. */
export type InboundJobStatus = 'processed' | 'already-processed' | 'missing';

/**
 * Runs the handler of an inbox row's source, at most once to completion: a row already
 * processed (a redelivered job) is skipped. A failing handler has its attempt and error
 * recorded on the row and the error rethrown, so BullMQ retries with the queue's backoff.
 */
@Injectable()
export class InboxDispatcher {
  private readonly logger = new Logger(InboxDispatcher.name);

  constructor(
    private readonly inbox: InboxRepository,
    private readonly handlers: InboundHandlerRegistry,
  ) {}

  async process(inboxId: string): Promise<InboundJobStatus> {
    const row = await this.inbox.findById(inboxId);
    // Purged by retention after processing, so there is nothing left to do.
    if (!row) return 'missing';
    if (row.processedAt) return 'already-processed';

    const handler = this.handlers.handlerFor(row.source);
    if (!handler) {
      const reason = `No inbound handler registered for source '${row.source}'`;
      await this.inbox.recordFailure(row.id, reason);
      // Retrying cannot make a handler appear; the job goes straight to the failed set.
      throw new UnrecoverableError(reason);
    }

    const event: InboundEventRecord = {
      id: row.id,
      source: row.source,
      externalId: row.externalId,
      tenantId: row.tenantId,
      accountRef: row.accountRef,
      payload: row.payload,
      receivedAt: row.receivedAt,
      attempts: row.attempts,
    };
    try {
      await handler.handle(event);
    } catch (error) {
      await this.inbox.recordFailure(row.id, describeError(error));
      this.logger.warn(
        { inboxId: row.id, source: row.source, attempt: row.attempts + 1, err: error },
        'Inbound handler failed; the job will be retried',
      );
      throw error;
    }
    await this.inbox.markProcessed(row.id);
    return 'processed';
  }
}
