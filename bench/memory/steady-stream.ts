/** What one stream of requests did during a soak. */
export interface StreamStats {
  name: string;
  perSecond: number;
  issued: number;
  /** Answers by status (`error` for transport failures). */
  statuses: Record<string, number>;
  /** Not issued because `maxInFlight` requests were still waiting: the server fell behind. */
  skipped: number;
}

/**
 * Issues `perSecond` requests per second, evenly spread (checked every 20 ms), each one
 * `fire()`; never more than `maxInFlight` at once, so a stalled server does not pile up
 * unbounded work in the bench process.
 */
export class SteadyStream {
  readonly stats: StreamStats;
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;

  constructor(
    name: string,
    perSecond: number,
    private readonly fire: () => Promise<number>,
    private readonly maxInFlight = 50,
  ) {
    this.stats = { name, perSecond, issued: 0, statuses: {}, skipped: 0 };
  }

  start(): void {
    const started = Date.now();
    let due = 0;
    this.timer = setInterval(() => {
      const target = Math.floor(((Date.now() - started) / 1000) * this.stats.perSecond);
      for (; due < target; due += 1) {
        if (this.inFlight.size >= this.maxInFlight) {
          this.stats.skipped += 1;
          continue;
        }
        this.issue();
      }
    }, 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  private issue(): void {
    this.stats.issued += 1;
    const request = this.fire()
      .then(
        (status) => String(status),
        () => 'error',
      )
      .then((outcome) => {
        this.stats.statuses[outcome] = (this.stats.statuses[outcome] ?? 0) + 1;
        this.inFlight.delete(request);
      });
    this.inFlight.add(request);
  }
}
