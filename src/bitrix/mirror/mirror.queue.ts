import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';

/**
 * Customer messages to one portal gather for this long and then go in one flush: a burst
 * becomes a few `batch` requests carrying many messages each, instead of one request per
 * message against Bitrix24's 2 requests per second.
 */
export const GATHER_MS = 300;

export interface MirrorJobData {
  portalId: string;
}

export const MIRROR_JOB = 'mirror';

/**
 * Schedules a portal's flush: one job per portal per gathering window (its id names both), so
 * messages arriving together share a job, and a message added after a window's job started
 * gets the next window's job. A lost job is made good by the next message to the portal, which
 * flushes everything still unsent.
 */
@Injectable()
export class MirrorQueue {
  private readonly logger = new Logger(MirrorQueue.name);

  constructor(@InjectQueue(QueueName.Bitrix) private readonly queue: Queue<MirrorJobData>) {}

  async schedule(portalId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / GATHER_MS);
    const delay = (window + 1) * GATHER_MS - now;
    await this.queue.add(
      MIRROR_JOB,
      { portalId },
      { jobId: `mirror-${portalId}-${window}`, delay },
    );
  }

  /** Runs a flush again soon (pacing, another flush holding the portal). */
  async again(portalId: string, delayMs: number): Promise<void> {
    await this.queue
      .add(
        MIRROR_JOB,
        { portalId },
        { jobId: `mirror-${portalId}-retry-${Date.now()}`, delay: delayMs },
      )
      .catch((error: unknown) =>
        this.logger.warn({ portalId, err: error }, 'Could not schedule the next mirror flush'),
      );
  }
}
