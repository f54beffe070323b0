import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { QueueName } from '@core/queue/queue-names';

export interface CalendarOperationJob {
  operationId: string;
}

export const APPLY_OPERATION_JOB = 'apply-operation';
const ENQUEUE_TIMEOUT_MS = 1_000;

/** The `calendar` queue's jobs carry the operation id only (jobId = operation id). */
@Injectable()
export class CalendarOperationsQueue {
  constructor(
    @InjectQueue(QueueName.Calendar) private readonly queue: Queue<CalendarOperationJob>,
  ) {}

  /** Rejects fast while Redis is away; the pending row stays and the sweeper re-adds it. */
  add(operationIds: string[], delayMs = 0): Promise<void> {
    return addWhenLive(
      this.queue,
      operationIds.map((operationId) => ({
        name: APPLY_OPERATION_JOB,
        data: { operationId },
        opts: { jobId: operationId, delay: delayMs },
      })),
      ENQUEUE_TIMEOUT_MS,
    );
  }
}
