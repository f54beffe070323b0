import type { Client } from 'pg';

export interface LockWaits {
  /** Samples taken, and how often (ms) they were taken. */
  samples: number;
  failedSamples: number;
  everyMs: number;
  /** Distinct statements seen waiting for a lock. */
  waitingStatements: number;
  /** The longest time one statement was seen waiting (first to last sample), in ms. */
  longestWaitMs: number;
  /** What the waiters were running (first 60 characters of the SQL: parameters, not values). */
  waiters: string[];
}

/**
 * Samples pg_stat_activity of the bench database for sessions waiting on a lock (a history
 * read or the app's writes held up by a retention DELETE). Sampling misses waits shorter than
 * its interval; a wait it sees is measured to within one interval.
 */
export class LockSampler {
  private readonly seen = new Map<string, { first: number; last: number; query: string }>();
  private samples = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;
  private failed = 0;

  constructor(
    private readonly client: Client,
    private readonly everyMs = 20,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  stop(): LockWaits {
    clearInterval(this.timer);
    const waits = [...this.seen.values()];
    return {
      samples: this.samples,
      failedSamples: this.failed,
      everyMs: this.everyMs,
      waitingStatements: waits.length,
      longestWaitMs: waits.reduce((max, wait) => Math.max(max, wait.last - wait.first), 0),
      waiters: [...new Set(waits.map((wait) => wait.query))],
    };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ key: string; query: string }>(
        `SELECT pid || ':' || query_start AS key, left(query, 60) AS query
           FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      const now = Date.now();
      this.samples += 1;
      for (const row of rows) {
        const wait = this.seen.get(row.key);
        if (wait) wait.last = now;
        else this.seen.set(row.key, { first: now, last: now, query: row.query });
      }
    } catch {
      this.failed += 1; // the bench is tearing down, or PostgreSQL is too busy to answer
    } finally {
      this.busy = false;
    }
  }
}
