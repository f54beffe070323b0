import { AppConfig } from '@config/app-config';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { ALL_QUEUES } from '@core/queue/queue-names';
import { REDIS } from '@core/redis/redis.module';
import { EventDeadLetters } from '@app/messaging/events/event-dead-letters';
import { AlertType } from '../alert-types';

/** Last run's failed count per queue is kept this long (a few missed runs are survived). */
const FAILED_COUNT_TTL_MS = 24 * 3_600_000;

/**
 * Every ALERTS_CHECK_INTERVAL_MS, once across the cluster (a maintenance job), reads each
 * BullMQ queue's counts:
 * - `queue.backlog` while more than ALERTS_QUEUE_BACKLOG_THRESHOLD jobs wait (waiting plus
 *   prioritized; delayed jobs are waiting on purpose: pacing, backoff); resolved below it;
 * - `queue.dead_letters` when the failed set (jobs that exhausted their attempts) grew since
 *   the last run; resolved on a run where it did not grow. The previous count lives in Redis,
 *   so whichever pod runs the check next compares with it. The messaging event stream counts
 *   as queue `events`: its dead letters are event deliveries a subscriber gave up on.
 */
@Injectable()
@MaintenanceTask()
export class QueueAlertsTask implements PeriodicTask {
  readonly name = 'alerts.queues';
  readonly everyMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly modules: ModuleRef,
    private readonly alerts: AlertRaiser,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly eventLetters: EventDeadLetters,
  ) {
    this.everyMs = config.alerts.checkIntervalMs;
  }

  async run(): Promise<Record<string, { waiting: number; failed: number }>> {
    const seen: Record<string, { waiting: number; failed: number }> = {};
    for (const name of ALL_QUEUES) {
      const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
      const counts = await queue.getJobCounts('wait', 'prioritized', 'failed');
      const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
      const failed = counts.failed ?? 0;
      seen[name] = { waiting, failed };
      await this.checkBacklog(name, waiting);
      await this.checkDeadLetters(name, failed);
    }
    const events = await this.eventLetters.count();
    seen.events = { waiting: 0, failed: events };
    await this.checkDeadLetters('events', events);
    return seen;
  }

  private async checkBacklog(queue: string, waiting: number): Promise<void> {
    const threshold = this.config.alerts.queueBacklogThreshold;
    const condition = { type: AlertType.QueueBacklog, subject: `queue/${queue}` };
    if (waiting > threshold) {
      await this.alerts.raise({
        ...condition,
        severity: 'warning',
        title: `Queue ${queue} has ${waiting} jobs waiting`,
        detail: `More than ALERTS_QUEUE_BACKLOG_THRESHOLD (${threshold}) jobs are waiting for a worker.`,
        labels: { queue },
      });
    } else {
      await this.alerts.resolve(condition, `${waiting} jobs waiting now.`);
    }
  }

  private async checkDeadLetters(queue: string, failed: number): Promise<void> {
    const key = `${this.config.redis.prefix}:alerts:failed-count:${queue}`;
    const previous = await this.redis.set(key, String(failed), 'PX', FAILED_COUNT_TTL_MS, 'GET');
    const condition = { type: AlertType.QueueDeadLetters, subject: `queue/${queue}` };
    if (previous === null) return;
    const grown = failed - Number(previous);
    if (grown > 0) {
      await this.alerts.raise({
        ...condition,
        severity: 'warning',
        title: `Queue ${queue}: ${grown} more dead letters`,
        detail:
          `${failed} dead letters (jobs or event deliveries that exhausted their attempts). ` +
          `See GET /api/v2/hub/queues/${queue}/dead-letters and re-drive or discard them.`,
        labels: { queue },
      });
    } else {
      await this.alerts.resolve(condition, `No new dead letters; ${failed} in the failed set.`);
    }
  }
}
