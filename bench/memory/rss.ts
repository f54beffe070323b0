import { readFileSync } from 'node:fs';

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

export interface RssSample {
  /** Seconds since the soak started. */
  atS: number;
  /** RSS in MB per process name. */
  mb: Record<string, number>;
}

/** Samples the RSS of each named process every `intervalS` until stopped. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer?: NodeJS.Timeout;
  private startedAt = 0;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly intervalS: number,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalS * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const mb = Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, Math.round(rssMb(pid) * 10) / 10]),
    );
    this.samples.push({ atS: Math.round((Date.now() - this.startedAt) / 100) / 10, mb });
  }
}
