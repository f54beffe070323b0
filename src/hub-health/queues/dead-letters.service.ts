import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { NotFoundError } from '@core/errors/domain-error';
import { QueueInspector } from '@core/queue/queue-inspector';
import { QueueName } from '@core/queue/queue-names';
import { FailedSendsQuery, FailedSend } from '@app/messaging/operations/failed-sends.query';
import { FailedSendsRedrive } from '@app/messaging/operations/failed-sends.redrive';
import { EventDeadLetters, TouchedDeadLetter } from '@app/messaging/events/event-dead-letters';
import type { AuditEntry } from '@app/audit/audit-entry';
import { HubAudit } from '../hub-audit';
import { DeadLetterDiscardsRepository } from './dead-letter-discards.repository';
import {
  DEAD_LETTER_WINDOW_MS,
  DeadLetter,
  EVENTS_QUEUE,
  MAX_JOBS_PER_CALL,
  fromEvent,
  fromJob,
  fromSend,
} from './dead-letter';

/** Which dead letters an action takes: all of them, these ids, or those failed since. */
export interface DeadLetterSelection {
  all?: boolean;
  ids?: readonly string[];
  since?: Date;
}

export type DeadLetterOutcome = {
  /** Failed jobs retried in place or removed. */
  jobs: string[];
  /** Failed sends (message ids) re-driven or discarded. */
  sends: string[];
  /**
   * Event deliveries (dead-letter ids, queue `events`) re-driven or discarded. A re-drive
   * skips a conversation a worker is delivering at that moment: those stay listed, ask again.
   */
  events: string[];
};

/** A BullMQ queue, or the messaging event stream's dead letters (`events`). */
export type DeadLetterQueue = QueueName | typeof EVENTS_QUEUE;

/**
 * Dead letters per queue and their re-drive or discard. A failed send goes back through
 * messaging's FailedSendsRedrive (status `queued`, the kept job removed, a fresh job added):
 * retrying its finished BullMQ job instead would reach a message already `failed`, a no-op.
 * Other failed jobs are retried in place (BullMQ moves them back to waiting, attempts reset).
 * The event stream is no BullMQ queue: its dead letters (queue `events`) go through messaging's
 * EventDeadLetters, which rewinds the subscriber's place so it really gets the event again.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly queues: QueueInspector,
    private readonly failedSends: FailedSendsQuery,
    private readonly redrive: FailedSendsRedrive,
    private readonly eventLetters: EventDeadLetters,
    private readonly discards: DeadLetterDiscardsRepository,
    private readonly audit: HubAudit,
  ) {}

  assertQueue(queue: string): asserts queue is DeadLetterQueue {
    if (queue !== EVENTS_QUEUE && !this.queues.isQueue(queue)) {
      throw new NotFoundError('Queue', 'QUEUE.NOT_FOUND');
    }
  }

  async list(queue: string, limit: number): Promise<DeadLetter[]> {
    this.assertQueue(queue);
    if (queue === EVENTS_QUEUE) return (await this.eventLetters.list({ limit })).map(fromEvent);
    const jobs = (await this.queues.queue(queue).getFailed(0, limit - 1)).map((job) =>
      fromJob(queue, job),
    );
    if (queue !== QueueName.Outbound) return jobs;
    const sends = (await this.sends({ all: true }, limit)).map(fromSend);
    const sendIds = new Set(sends.map((send) => send.id));
    // A failed send's job (same id) is one dead letter, shown as the send.
    return [...sends, ...jobs.filter((job) => !sendIds.has(job.id))];
  }

  /** The number of failed sends in the window, discarded ones left out (for the gauge). */
  async failedSendCount(): Promise<number> {
    const since = windowStart();
    return this.failedSends.count(since, await this.discards.since(since));
  }

  /** The event stream's dead letters (for `GET /hub/queues` and the gauge). */
  eventCount(): Promise<number> {
    return this.eventLetters.count();
  }

  async retry(queue: string, selection: DeadLetterSelection): Promise<DeadLetterOutcome> {
    this.assertQueue(queue);
    if (queue === EVENTS_QUEUE) {
      const redriven = await this.eventLetters.redrive(await this.events(selection));
      await this.audit.record(redriven.map((letter) => eventEntry('dead_letter.retried', letter)));
      return { jobs: [], sends: [], events: redriven.map((letter) => letter.id) };
    }
    const sends = queue === QueueName.Outbound ? await this.sends(selection) : [];
    const sendIds = new Set(sends.map((send) => send.messageId));
    const byTenant = new Map<string, string[]>();
    for (const send of sends) {
      byTenant.set(send.tenantId, [...(byTenant.get(send.tenantId) ?? []), send.messageId]);
    }
    const outcome: DeadLetterOutcome = { jobs: [], sends: [], events: [] };
    try {
      for (const [tenantId, messageIds] of byTenant) {
        await this.redrive.retry(tenantId, { messageIds, since: windowStart() });
        outcome.sends.push(...messageIds);
      }
      for (const job of await this.jobs(queue, selection)) {
        if (sendIds.has(String(job.id))) continue;
        await job.retry('failed');
        outcome.jobs.push(String(job.id));
      }
    } finally {
      // Re-driven sends are audited by messaging's FailedSendsRedrive (`messages.retried`).
      await this.audit.record(outcome.jobs.map((id) => jobEntry('dead_letter.retried', queue, id)));
    }
    return outcome;
  }

  async discard(queue: string, selection: DeadLetterSelection): Promise<DeadLetterOutcome> {
    this.assertQueue(queue);
    if (queue === EVENTS_QUEUE) {
      const chosen = await this.events(selection);
      const discarded = await this.eventLetters.discard(chosen.map((letter) => letter.id));
      await this.audit.record(
        discarded.map((letter) => eventEntry('dead_letter.discarded', letter)),
      );
      return { jobs: [], sends: [], events: discarded.map((letter) => letter.id) };
    }
    const outcome: DeadLetterOutcome = { jobs: [], sends: [], events: [] };
    const discarded: AuditEntry[] = [];
    try {
      if (queue === QueueName.Outbound) {
        const sends = await this.sends(selection);
        await this.discards.add(sends);
        outcome.sends.push(...sends.map((send) => send.messageId));
        discarded.push(
          ...sends.map((send) => ({
            action: 'dead_letter.discarded',
            tenantId: send.tenantId,
            resource: { type: 'message', id: send.messageId },
          })),
        );
      }
      for (const job of await this.jobs(queue, selection)) {
        await job.remove();
        outcome.jobs.push(String(job.id));
      }
    } finally {
      await this.audit.record([
        ...discarded,
        ...outcome.jobs.map((id) => jobEntry('dead_letter.discarded', queue, id)),
      ]);
    }
    return outcome;
  }

  private async sends(
    selection: DeadLetterSelection,
    limit = MAX_JOBS_PER_CALL,
  ): Promise<FailedSend[]> {
    const start = windowStart();
    const since = selection.since && selection.since > start ? selection.since : start;
    return this.failedSends.list({
      since,
      messageIds: selection.all || !selection.ids ? undefined : selection.ids,
      excludeIds: await this.discards.since(start),
      limit,
    });
  }

  private async events(selection: DeadLetterSelection): Promise<TouchedDeadLetter[]> {
    const letters = await this.eventLetters.list({
      ids: selection.all ? undefined : selection.ids,
      since: selection.all ? undefined : selection.since,
      limit: MAX_JOBS_PER_CALL,
    });
    return letters.map((letter) => ({ id: letter.id, tenantId: letter.event.tenantId }));
  }

  private async jobs(queue: QueueName, selection: DeadLetterSelection): Promise<Job[]> {
    const failed = await this.queues.queue(queue).getFailed(0, MAX_JOBS_PER_CALL - 1);
    const ids = selection.ids ? new Set(selection.ids) : undefined;
    const since = selection.since?.getTime();
    return failed.filter(
      (job) =>
        selection.all ||
        ((!ids || ids.has(String(job.id))) &&
          (since === undefined || (job.finishedOn ?? 0) >= since)),
    );
  }
}

function windowStart(): Date {
  return new Date(Date.now() - DEAD_LETTER_WINDOW_MS);
}

/** An event delivery is the event's tenant's: audited in that tenant's chain. */
function eventEntry(action: string, letter: TouchedDeadLetter): AuditEntry {
  return { action, tenantId: letter.tenantId, resource: { type: 'dead_letter', id: letter.id } };
}

/** A failed job is a platform resource (queues are shared): audited in the platform chain. */
function jobEntry(action: string, queue: string, jobId: string): AuditEntry {
  return { action, tenantId: null, resource: { type: 'queue_job', id: `${queue}/${jobId}` } };
}
