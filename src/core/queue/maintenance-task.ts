import { DiscoveryService } from '@nestjs/core';

/**
 * Periodic work (sweepers, retention, session checks, token refresh...). A module declares a
 * provider with `@MaintenanceTask()` and this shape; the maintenance queue schedules it with a
 * BullMQ job scheduler (one run per interval across all pods, not one per pod) and routes
 * each run to it. Runs must be idempotent and bounded: the next run finishes what one leaves.
 *
 *   @Injectable() @MaintenanceTask()
 *   export class InboxSweeper implements PeriodicTask { readonly name = 'inbox.sweep'; ... }
 */
export interface PeriodicTask {
  /** Unique job and scheduler name, `<owner>.<task>`. */
  readonly name: string;
  readonly everyMs: number;
  run(): Promise<unknown>;
}

export const MaintenanceTask = DiscoveryService.createDecorator<void>();
