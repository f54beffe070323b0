import { readFileSync } from 'node:fs';
import { round1 } from '../support/report';

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS, in kB there). */
export function rssMb(pid: number): number {
  return kbField(pid, 'VmRSS') / 1024;
}

/** Peak resident set size of a process in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  return kbField(pid, 'VmHWM') / 1024;
}

function kbField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** A process to watch: its pid, and its base URL and METRICS_TOKEN for /metrics. */
export interface WatchedProcess {
  pid: number;
  url: string;
  metricsToken: string;
}

export interface MemorySample {
  /** Seconds since the soak started. */
  atS: number;
  /** RSS in MB per process name (the figure the targets judge). */
  rssMb: Record<string, number>;
  /**
   * V8 heap in use in MB per process, from its /metrics (prom-client's default
   * nodejs_heap_size_used_bytes): tells a growing heap (a leak) from RSS the allocator keeps.
   */
  heapUsedMb: Record<string, number | null>;
}

/** Samples each named process every `intervalS` until stopped. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer?: NodeJS.Timeout;
  private startedAt = 0;

  constructor(
    private readonly processes: Record<string, WatchedProcess>,
    private readonly intervalS: number,
  ) {}

  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalS * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sample();
  }

  private async sample(): Promise<void> {
    const atS = round1((Date.now() - this.startedAt) / 1000);
    const entries = Object.entries(this.processes);
    const rss = entries.map(([name, { pid }]) => [name, round1(rssMb(pid))]);
    const heaps = await Promise.all(
      entries.map(async ([name, watched]) => [name, await heapUsedMb(watched)] as const),
    );
    this.samples.push({
      atS,
      rssMb: Object.fromEntries(rss),
      heapUsedMb: Object.fromEntries(heaps),
    });
  }
}

const HEAP_USED = /^\w*nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m;

async function heapUsedMb({ url, metricsToken }: WatchedProcess): Promise<number | null> {
  try {
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    const match = HEAP_USED.exec(await response.text());
    return match ? round1(Number(match[1]) / 1024 / 1024) : null;
  } catch {
    return null;
  }
}
