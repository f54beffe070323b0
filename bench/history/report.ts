import { median, printTargets, round2, type Target } from '../support/report';
import { sizeLabel } from './data-plan';
import type { DatabaseRole, LoadConfig, RunRecord } from './load';
import { ROUTE_NAMES, type RouteName } from './routes';

/** The bound: p99 at the largest size within this factor of p99 at the smallest. */
export const FLATNESS_LIMIT = 1.5;

export interface Median {
  step: number;
  database: DatabaseRole;
  size: number;
  route: RouteName;
  runs: number;
  /** With the latency connections. */
  p50Ms: number;
  p99Ms: number;
  reqPerSec: number;
  /** With saturating connections. */
  saturationReqPerSec: number;
  saturationP99Ms: number;
  /** Non-2xx answers and transport errors, all runs together. */
  failed: number;
}

/** Median of each figure on its own, per step, database and route. */
export function medians(runs: readonly RunRecord[]): Median[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.step}|${run.database}|${run.route}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const latency = group.filter((run) => run.mode === 'latency');
    const saturation = group.filter((run) => run.mode === 'saturation');
    return {
      step: group[0].step,
      database: group[0].database,
      size: group[0].size,
      route: group[0].route,
      runs: latency.length,
      p50Ms: median(latency.map((run) => run.p50Ms)),
      p99Ms: median(latency.map((run) => run.p99Ms)),
      reqPerSec: median(latency.map((run) => run.reqPerSec)),
      saturationReqPerSec: median(saturation.map((run) => run.reqPerSec)),
      saturationP99Ms: median(saturation.map((run) => run.p99Ms)),
      failed: group.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
    };
  });
}

export interface Growth {
  step: number;
  route: RouteName;
  /**
   * Growing database over the reference measured in the same rounds: the figure the target is
   * judged on, since both met the same machine load (other processes share the cores).
   * Latency ratios above 1 and throughput ratios below 1 are worse.
   */
  sameTime: { p50: number; p99: number; saturationReqPerSec: number };
  /** Growing database at this step over itself at the first step, minutes earlier. */
  sinceFirstStep: { p50: number; p99: number; saturationReqPerSec: number };
}

export function growth(all: readonly Median[]): Growth[] {
  const steps = [...new Set(all.map((m) => m.step))].sort((a, b) => a - b);
  const find = (step: number, database: DatabaseRole, route: RouteName) =>
    all.find((m) => m.step === step && m.database === database && m.route === route);
  const ratio = (a: number, b: number) => (b ? round2(a / b) : NaN);
  const ratios = (a: Median, b: Median) => ({
    p50: ratio(a.p50Ms, b.p50Ms),
    p99: ratio(a.p99Ms, b.p99Ms),
    saturationReqPerSec: ratio(a.saturationReqPerSec, b.saturationReqPerSec),
  });
  return steps.flatMap((step) =>
    ROUTE_NAMES.flatMap((route) => {
      const grown = find(step, 'growing', route);
      const reference = find(step, 'reference', route);
      const first = find(steps[0], 'growing', route);
      if (!grown || !reference || !first) return [];
      return [
        { step, route, sameTime: ratios(grown, reference), sinceFirstStep: ratios(grown, first) },
      ];
    }),
  );
}

/**
 * At the first step both databases hold the same data, so their p99 ratios show how far two
 * measurements of equal cost drift apart on this machine at this time.
 */
export function aaSpread(ratios: readonly Growth[]): [number, number] {
  const first = Math.min(...ratios.map((g) => g.step));
  const spread = ratios.filter((g) => g.step === first).map((g) => g.sameTime.p99);
  return [Math.min(...spread), Math.max(...spread)];
}

/**
 * One target per route: at the largest size, p99 within FLATNESS_LIMIT of the smallest size.
 * When the A/A spread is wider than the limit itself, the verdict says it is within noise.
 */
export function targets(all: readonly Median[], ratios: readonly Growth[]): Target[] {
  const largest = Math.max(...ratios.map((g) => g.step));
  const [low, high] = aaSpread(ratios);
  const noisy = low < 1 / FLATNESS_LIMIT || high > FLATNESS_LIMIT;
  return ratios
    .filter((g) => g.step === largest)
    .map((g) => {
      const grown = all.find(
        (m) => m.step === g.step && m.database === 'growing' && m.route === g.route,
      )!;
      const reference = all.find(
        (m) => m.step === g.step && m.database === 'reference' && m.route === g.route,
      )!;
      return {
        target: `${g.route}: p99 at ${sizeLabel(grown.size)} within ${FLATNESS_LIMIT}x of p99 at ${sizeLabel(reference.size)}`,
        measured:
          `${grown.p99Ms} ms vs ${reference.p99Ms} ms = ${g.sameTime.p99}x ` +
          `(vs the first step, measured earlier: ${g.sinceFirstStep.p99}x)` +
          (noisy ? `; machine noise: equal databases differed by ${low}-${high}x` : ''),
        met: g.sameTime.p99 <= FLATNESS_LIMIT,
      };
    });
}

export function printTable(
  all: readonly Median[],
  ratios: readonly Growth[],
  met: Target[],
  config: LoadConfig,
): void {
  console.log(
    `Latency with ${config.latencyConnections} connection(s) and req/s with ` +
      `${config.saturationConnections} (medians of runs); ` +
      'each step measures the growing database and the reference in alternating order:',
  );
  console.table(
    all.map((m) => ({
      step: sizeLabel(m.step),
      database: `${m.database} (${sizeLabel(m.size)})`,
      route: m.route,
      runs: m.runs,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'req/s': m.reqPerSec,
      'sat req/s': m.saturationReqPerSec,
      'sat p99 ms': m.saturationP99Ms,
      failed: m.failed,
    })),
  );
  console.log('Growing / reference at the same time (and growing / growing at the first step):');
  console.table(
    ratios.map((g) => ({
      step: sizeLabel(g.step),
      route: g.route,
      p50: g.sameTime.p50,
      p99: g.sameTime.p99,
      'sat req/s': g.sameTime.saturationReqPerSec,
      'p99 vs first step': g.sinceFirstStep.p99,
    })),
  );
  const [low, high] = aaSpread(ratios);
  console.log(
    `A/A check: at the first step both databases hold the same data, and their p99 ratios ` +
      `span ${low}-${high}x; growth ratios inside that band are machine noise rather than cost.`,
  );
  printTargets(met);
}
