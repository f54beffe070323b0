import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@config/app-config';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { QueueName } from '@core/queue/queue-names';
import type { ChannelTarget } from './alert-targets';

export const DELIVER_ALERT_JOB = 'deliver';
const ENQUEUE_TIMEOUT_MS = 1_000;

/** firing: a new episode; repeat: still firing after the dedup window; resolved: it cleared. */
export type AlertNotice = 'firing' | 'repeat' | 'resolved';

export interface AlertJobData {
  alertId: string;
  notice: AlertNotice;
  /** Which raise of the episode this announces: keeps a repeat's job id apart from the first. */
  occurrence: number;
  target: ChannelTarget;
}

/**
 * Puts one job per channel on the `alerts` queue, so a channel that hangs or fails retries on
 * its own (backoff, Retry-After honoured) and never holds up the caller or the other channels.
 * The job id names alert, notice, occurrence and channel: two pods announcing the same thing
 * add one job. When Redis cannot take the jobs the alert stays in the history and the log.
 */
@Injectable()
export class AlertDeliveriesEnqueuer {
  private readonly logger = new Logger(AlertDeliveriesEnqueuer.name);

  constructor(
    @InjectQueue(QueueName.Alerts) private readonly queue: Queue<AlertJobData>,
    private readonly config: AppConfig,
  ) {}

  async enqueue(jobs: readonly AlertJobData[]): Promise<void> {
    if (!jobs.length) return;
    try {
      await addWhenLive(
        this.queue,
        jobs.map((data) => ({
          name: DELIVER_ALERT_JOB,
          data,
          opts: {
            jobId: [data.alertId, data.notice, data.occurrence, targetKey(data.target)].join('.'),
            attempts: this.config.alerts.deliveryAttempts,
          },
        })),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.error(
        { err: error, alertId: jobs[0].alertId, count: jobs.length },
        'Alert recorded and logged, but its channel deliveries could not be queued',
      );
    }
  }
}

function targetKey(target: ChannelTarget): string {
  return target.scope === 'global' ? `global-${target.kind}` : target.id;
}
