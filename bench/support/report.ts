import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@test/support/server-process';

/** One target of issue 6, judged on measured figures. */
export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of raw samples. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round1 = (value: number): number => Math.round(value * 10) / 10;
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** What the figures were measured on: they only compare with runs on a similar machine. */
export function machine(): Record<string, unknown> {
  const cores = cpus();
  return {
    cpus: cores.length,
    model: cores[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalmemBytes: totalmem(),
  };
}

/** Writes `bench/results/<benchmark>-<timestamp>.json` and returns its path. */
export function writeResults(benchmark: string, report: Record<string, unknown>): string {
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(directory, `${benchmark}-${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark, finishedAt: new Date().toISOString(), machine: machine(), ...report }, null, 2)}\n`,
  );
  return file;
}

export function printTargets(targets: readonly Target[]): void {
  for (const target of targets) {
    console.log(`${target.met ? 'MET    ' : 'NOT MET'}  ${target.target}: ${target.measured}`);
  }
}

/** A positive number from the environment, for the BENCH_* knobs. */
export function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
