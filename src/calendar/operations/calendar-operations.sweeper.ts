import { Injectable } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { CalendarOperationsQueue } from './calendar-operations.queue';
import { CalendarOperationsRepository } from './calendar-operations.repository';

const BATCH = 500;
/** Older than this and still pending: its job may never have reached Redis. */
const GRACE_MS = 60_000;

/**
 * Re-adds the jobs of pending calendar writes (same job id, so a live job is left alone): a
 * write accepted while Redis was away, or whose job was lost, is still applied.
 */
@Injectable()
@MaintenanceTask()
export class CalendarOperationsSweeper implements PeriodicTask {
  readonly name = 'calendar.operations-sweep';
  readonly everyMs = 60_000;

  constructor(
    private readonly operations: CalendarOperationsRepository,
    private readonly queue: CalendarOperationsQueue,
  ) {}

  async run(now = Date.now()): Promise<{ enqueued: number }> {
    const ids = await this.operations.pendingIds(new Date(now - GRACE_MS), BATCH);
    if (ids.length) await this.queue.add(ids);
    return { enqueued: ids.length };
  }
}
