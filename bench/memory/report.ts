import { printTargets, round1, type Target } from '../support/report';
import type { MemorySample } from './memory-sampler';
import type { StreamStats } from './steady-stream';

export interface ProcessMemory {
  process: string;
  /** Highest sampled RSS. */
  maxMb: number;
  /** Mean RSS over the second tenth of the soak (minute 2 of 10). */
  earlyMb: number;
  /** Mean RSS over the last tenth of the soak (minute 10 of 10). */
  lateMb: number;
  /** late / early − 1, in percent. */
  growthPct: number;
  /** The kernel's high-water mark (VmHWM) at the end: peaks between samples included. */
  peakMb: number;
  /** Mean V8 heap in use over the same two tenths, and its growth in percent. */
  earlyHeapMb: number;
  lateHeapMb: number;
  heapGrowthPct: number;
}

const MAX_RSS_MB = 250;
const MAX_GROWTH_PCT = 10;

/**
 * Per process: its largest sample, and the growth from the soak's second tenth to its last
 * tenth (for the default 10 minutes, minute 2 to minute 10), each a mean of its samples so one
 * sample caught before a garbage collection does not decide it.
 */
export function summarise(
  samples: readonly MemorySample[],
  durationS: number,
  peaks: Record<string, number>,
): ProcessMemory[] {
  const mean = (values: (number | null)[]) => {
    const known = values.filter((value): value is number => value !== null);
    return known.reduce((sum, value) => sum + value, 0) / Math.max(known.length, 1);
  };
  const within = (from: number, to: number) =>
    samples.filter((s) => s.atS > durationS * from && s.atS <= durationS * to);
  const [early, late] = [within(0.1, 0.2), within(0.9, 1)];
  return Object.keys(samples[0]?.rssMb ?? {}).map((name) => {
    const earlyMb = mean(early.map((s) => s.rssMb[name]));
    const lateMb = mean(late.map((s) => s.rssMb[name]));
    const earlyHeapMb = mean(early.map((s) => s.heapUsedMb[name]));
    const lateHeapMb = mean(late.map((s) => s.heapUsedMb[name]));
    return {
      process: name,
      maxMb: Math.max(...samples.map((s) => s.rssMb[name])),
      earlyMb: round1(earlyMb),
      lateMb: round1(lateMb),
      growthPct: round1((lateMb / earlyMb - 1) * 100),
      peakMb: round1(peaks[name]),
      earlyHeapMb: round1(earlyHeapMb),
      lateHeapMb: round1(lateHeapMb),
      heapGrowthPct: round1((lateHeapMb / earlyHeapMb - 1) * 100),
    };
  });
}

export function memoryTargets(processes: readonly ProcessMemory[], durationS: number): Target[] {
  const minutes = round1(durationS / 60);
  return processes.flatMap((p) => [
    {
      target: `${p.process} RSS < ${MAX_RSS_MB} MB during the soak`,
      measured: `max sampled ${p.maxMb} MB (kernel peak ${p.peakMb} MB)`,
      met: p.maxMb < MAX_RSS_MB,
    },
    {
      target: `${p.process} RSS growth < ${MAX_GROWTH_PCT}% from minute 2 to 10 (scaled to ${minutes} min)`,
      measured: `${p.earlyMb} MB -> ${p.lateMb} MB (${p.growthPct}%)`,
      met: p.growthPct < MAX_GROWTH_PCT,
    },
  ]);
}

export function printMemoryTable(
  processes: readonly ProcessMemory[],
  streams: readonly StreamStats[],
  met: readonly Target[],
): void {
  console.table(
    processes.map((p) => ({
      process: p.process,
      'max MB': p.maxMb,
      'peak MB': p.peakMb,
      'early MB': p.earlyMb,
      'late MB': p.lateMb,
      'growth %': p.growthPct,
      'heap early MB': p.earlyHeapMb,
      'heap late MB': p.lateHeapMb,
      'heap growth %': p.heapGrowthPct,
    })),
  );
  console.table(
    streams.map((s) => ({
      stream: s.name,
      'per s': s.perSecond,
      issued: s.issued,
      answers: JSON.stringify(s.statuses),
      skipped: s.skipped,
    })),
  );
  printTargets(met);
}
