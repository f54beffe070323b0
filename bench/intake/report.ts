import { median, printTargets, type Target } from '../support/report';
import type { RunRecord } from './load';

export interface Median {
  server: string;
  scenario: string;
  runs: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
}

/** Median of each figure on its own, per server and scenario. */
export function medians(runs: readonly RunRecord[]): Median[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.server}|${run.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => ({
    server: group[0].server,
    scenario: group[0].scenario,
    runs: group.length,
    reqPerSec: median(group.map((run) => run.reqPerSec)),
    p50Ms: median(group.map((run) => run.p50Ms)),
    p99Ms: median(group.map((run) => run.p99Ms)),
    cpuMsPerRequest: median(group.map((run) => run.cpuMsPerRequest)),
  }));
}

/** The hand-written baselines' server names. */
export const PER_REQUEST = 'baseline';
export const GROUP_COMMIT = 'group-commit';

/**
 * Omnihub divided by each baseline, figure by figure (throughput: higher is better; latency
 * and CPU: lower), keyed `<baseline> <scenario>` (`<server> / <baseline> <scenario>` for a
 * second Omnihub build, BENCH_INTAKE_OTHER_BUILD).
 */
export function ratios(all: readonly Median[]): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const target of all.filter((m) => m.server.startsWith('omnihub'))) {
    for (const baseline of [PER_REQUEST, GROUP_COMMIT]) {
      const base = all.find((m) => m.server === baseline && m.scenario === target.scenario);
      if (!base) continue;
      const of = target.server === 'omnihub' ? '' : `${target.server} / `;
      result[`${of}${baseline} ${target.scenario}`] = {
        reqPerSec: ratio(target.reqPerSec, base.reqPerSec),
        p50Ms: ratio(target.p50Ms, base.p50Ms),
        p99Ms: ratio(target.p99Ms, base.p99Ms),
        cpuMsPerRequest: ratio(target.cpuMsPerRequest, base.cpuMsPerRequest),
      };
    }
  }
  return result;
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 100) / 100 : NaN);

/** The intake targets, each judged on the medians. */
export function targets(all: readonly Median[], sustained: string): Target[] {
  const find = (server: string, scenario: string) =>
    all.find((m) => m.server === server && m.scenario === scenario);
  const omnihub = find('omnihub', sustained);
  const baseline = find(PER_REQUEST, sustained);
  const group = find(GROUP_COMMIT, sustained);
  const atThousand = find('omnihub', 'rate@1000');
  const share = omnihub && baseline ? omnihub.reqPerSec / baseline.reqPerSec : NaN;
  const groupShare = omnihub && group ? omnihub.reqPerSec / group.reqPerSec : NaN;
  const groupCpu = omnihub && group ? omnihub.cpuMsPerRequest / group.cpuMsPerRequest : NaN;
  return [
    {
      target: '>= 5,000 req/s sustained with p99 < 50 ms',
      measured: omnihub ? `${omnihub.reqPerSec} req/s, p99 ${omnihub.p99Ms} ms` : 'not measured',
      met: Boolean(omnihub && omnihub.reqPerSec >= 5_000 && omnihub.p99Ms < 50),
    },
    {
      target: 'p99 < 25 ms at 1,000 req/s',
      measured: atThousand ? `p99 ${atThousand.p99Ms} ms` : 'not measured',
      met: Boolean(atThousand && atThousand.p99Ms < 25),
    },
    {
      target: '>= 0.6 of the baseline throughput',
      measured: Number.isNaN(share) ? 'not measured' : `${share.toFixed(2)} of baseline`,
      met: share >= 0.6,
    },
    {
      target: '>= 1.0 of the group-commit baseline throughput (issue 18)',
      measured: Number.isNaN(groupShare) ? 'not measured' : `${groupShare.toFixed(2)} of it`,
      met: groupShare >= 1,
    },
    {
      target: 'CPU per request <= 1.3x the group-commit baseline (issue 18)',
      measured: Number.isNaN(groupCpu) ? 'not measured' : `${groupCpu.toFixed(2)}x`,
      met: groupCpu <= 1.3,
    },
    {
      target: 'p99 <= 50 ms at 1,000 req/s (issue 18)',
      measured: atThousand ? `p99 ${atThousand.p99Ms} ms` : 'not measured',
      met: Boolean(atThousand && atThousand.p99Ms <= 50),
    },
  ];
}

export function printTable(
  all: readonly Median[],
  runs: readonly RunRecord[],
  met: Target[],
): void {
  const rows = all.map((m) => {
    const own = runs.filter((run) => run.server === m.server && run.scenario === m.scenario);
    return {
      server: m.server,
      scenario: m.scenario,
      runs: m.runs,
      'req/s': m.reqPerSec,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'cpu ms/req': m.cpuMsPerRequest,
      non2xx: own.reduce((sum, run) => sum + run.measuredNon2xx + run.errors, 0),
      lost: own.reduce((sum, run) => sum + run.lost, 0),
    };
  });
  console.table(rows);
  printTargets(met);
}
