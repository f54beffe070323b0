import { AppConfig } from '@config/app-config';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { QueueName } from '@core/queue/queue-names';
import { REDIS } from '@core/redis/redis.module';

/** A quiet portal's messages gather this long before they go (one request for a few). */
export const GATHER_MS = 300;
/**
 * A busy portal flushes at most once a second: a burst then gathers into few `batch` requests
 * with many messages each, using half of Bitrix24's 2 requests per second and leaving the rest
 * for CRM look-ups, statuses and notes.
 */
export const MIN_FLUSH_INTERVAL_MS = 1_000;

/** Portals whose next flush is remembered (a bound on memory, not on correctness). */
const MAX_REMEMBERED_PORTALS = 10_000;

export interface MirrorJobData {
  portalId: string;
}

export const MIRROR_JOB = 'mirror';

/**
 * Schedules a portal's flush on a grid of GATHER_MS slots: every message due in the same slot
 * shares one job (the slot is in the job id), and a slot's job only runs once its slot has
 * passed, so a message scheduled while a flush runs always gets a later slot, never a job that
 * already looked for work. A lost job is made good by the portal's next message, whose flush
 * sends everything still unsent.
 */
@Injectable()
export class MirrorQueue {
  private readonly lastFlushPrefix: string;
  /** When the flush this process last scheduled per portal is due. */
  private readonly dueAt = new Map<string, number>();

  constructor(
    @InjectQueue(QueueName.Bitrix) private readonly queue: Queue<MirrorJobData>,
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.lastFlushPrefix = `${config.redis.prefix}:bitrix:last-flush:`;
  }

  /**
   * A flush for the portal's unsent items. While one this process scheduled is still ahead
   * (it has not started, so it will find every item recorded before now), nothing more is
   * asked of Redis: a burst schedules one job, not one per message.
   */
  async schedule(portalId: string): Promise<void> {
    const now = Date.now();
    if ((this.dueAt.get(portalId) ?? 0) > now) return;
    const last = Number(await this.redis.get(this.lastFlushPrefix + portalId)) || 0;
    const slot = Math.floor(Math.max(now, last + MIN_FLUSH_INTERVAL_MS) / GATHER_MS) + 1;
    await this.queue.add(
      MIRROR_JOB,
      { portalId },
      { jobId: `mirror-${portalId}-${slot}`, delay: slot * GATHER_MS - now },
    );
    if (this.dueAt.size > MAX_REMEMBERED_PORTALS) this.dueAt.clear();
    this.dueAt.set(portalId, slot * GATHER_MS);
  }

  /** A flush `ms` from now: refused items are tried again when their back-off ends. */
  async scheduleIn(portalId: string, ms: number): Promise<void> {
    const slot = Math.floor((Date.now() + ms) / GATHER_MS) + 1;
    await this.queue.add(
      MIRROR_JOB,
      { portalId },
      { jobId: `mirror-${portalId}-${slot}`, delay: slot * GATHER_MS - Date.now() },
    );
  }

  /** How long a flush due now must still wait for the portal's last one to be a second old. */
  async waitMs(portalId: string): Promise<number> {
    const last = Number(await this.redis.get(this.lastFlushPrefix + portalId)) || 0;
    return Math.max(0, last + MIN_FLUSH_INTERVAL_MS - Date.now());
  }

  /** Called as a flush sends: the portal's next flush waits MIN_FLUSH_INTERVAL_MS. */
  async flushed(portalId: string): Promise<void> {
    await this.redis.set(this.lastFlushPrefix + portalId, String(Date.now()), 'PX', 60_000);
  }
}
