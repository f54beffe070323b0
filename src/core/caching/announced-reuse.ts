import { Logger } from '@nestjs/common';
import type { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { BriefReuse } from './brief-reuse';

/**
 * BriefReuse kept in step across instances: a change that may make a kept value wrong drops
 * everything kept here and is announced on `topic` (`changed`, after the change committed),
 * and every instance hearing it drops its own. An instance that cannot hear announcements
 * (its Redis subscription down) keeps nothing: it reads every time and starts afresh once it
 * hears again. A read that began before a change is not kept after it (BriefReuse).
 */
export class AnnouncedReuse<T> {
  private readonly logger = new Logger(AnnouncedReuse.name);
  private readonly reused: BriefReuse<T>;
  private readonly listening = (): boolean => this.broadcasts.listening;

  constructor(
    private readonly broadcasts: RedisBroadcasts,
    private readonly topic: string,
    reuseMs: number,
    maxEntries: number,
  ) {
    this.reused = new BriefReuse(reuseMs, maxEntries);
    broadcasts.on(topic, () => this.reused.forget());
    broadcasts.onSilence(() => this.reused.forget());
  }

  /** The value kept under `key`, else `read()`'s, kept when `keep` allows it. */
  get(key: string, read: () => Promise<T>, keep?: (value: T) => boolean): Promise<T> {
    return this.reused.get(key, read, { keep, enabled: this.listening });
  }

  /** `get` for a read that needs no I/O (BriefReuse.getNow). */
  getNow(key: string, read: () => T): T {
    return this.reused.getNow(key, read, this.listening);
  }

  /**
   * After a committed change: drops everything kept here and tells the other instances to.
   * Not announced (Redis away): they drop theirs within the reuse time, or at once if their
   * subscription is down too (they keep nothing then).
   */
  async changed(): Promise<void> {
    this.reused.forget();
    try {
      await this.broadcasts.publish(this.topic, null);
    } catch (error) {
      this.logger.warn(
        { topic: this.topic, reason: (error as Error).message },
        'Could not announce a change; other instances see it once their reuse ends',
      );
    }
  }
}
