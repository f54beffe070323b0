import { performance } from 'node:perf_hooks';

/** One answered read: when it started (epoch ms), how long it took, and whether it was a 2xx. */
export interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

/**
 * Reads conversation histories over HTTP until stopped: `connections` loops, each sending its
 * next request when the previous one is answered (a frontend paging through chats), taking the
 * paths in turn. Open-ended, unlike autocannon's fixed duration, because a purge takes as long
 * as it takes; samples carry their start time so they can be split into before / during / after.
 */
export class HistoryLoad {
  readonly samples: Sample[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly paths: readonly string[],
  ) {}

  start(connections: number): void {
    this.running = true;
    this.loops = Array.from({ length: connections }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const path = this.paths[this.next++ % this.paths.length];
      const at = Date.now();
      const started = performance.now();
      let ok = false;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, { headers: this.headers });
        await response.arrayBuffer();
        ok = response.ok;
      } catch {
        ok = false;
      }
      this.samples.push({ at, ms: performance.now() - started, ok });
    }
  }
}
