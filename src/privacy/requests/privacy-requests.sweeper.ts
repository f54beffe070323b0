import { Injectable } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { PrivacyRequestsEnqueuer } from './privacy-requests.enqueuer';
import { PrivacyRequestsRepository } from './privacy-requests.repository';

/** A request untouched this long lost its job (Redis down, or attempts spent): run it again. */
const STALE_MS = 5 * 60_000;

/**
 * Re-drives open requests whose job is gone, so every request completes by its due date even
 * across Redis outages and contributors that failed for a while.
 */
@Injectable()
@MaintenanceTask()
export class PrivacyRequestsSweeper implements PeriodicTask {
  readonly name = 'privacy.requests-sweep';
  readonly everyMs = 60_000;

  constructor(
    private readonly requests: PrivacyRequestsRepository,
    private readonly enqueuer: PrivacyRequestsEnqueuer,
  ) {}

  async run(): Promise<number> {
    const stale = await this.requests.stale(STALE_MS, 100);
    for (const id of stale) {
      await this.requests.touch(id);
      await this.enqueuer.enqueue(id);
    }
    return stale.length;
  }
}
