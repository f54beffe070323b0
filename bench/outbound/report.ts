import { cpus } from 'node:os';
import { median, printTargets, round1, round2, type Target } from '../support/report';
import type { PacingRecord } from './pacing';
import type { SendRunRecord } from './send-load';

export interface SendMedian {
  mode: string;
  scenario: string;
  runs: number;
  acceptedPerSec: number;
  sentPerSec: number;
  acceptP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  issuedToSentP99Ms: number;
  unsent: number;
  duplicates: number;
  refused: number;
  /** Median CPU ms per message per process (and `postgres`), and their sum. */
  cpuMsPerMessage: Record<string, number>;
  /**
   * Messages per second this machine's cores could carry if CPU were the only limit and
   * Omnihub and PostgreSQL had them to themselves (Redis not counted): cores × 1000 / CPU ms.
   */
  cpuBoundPerSec: number;
}

/** Median of each figure on its own per mode and scenario; failures are summed, not medianed. */
export function sendMedians(runs: readonly SendRunRecord[]): SendMedian[] {
  const groups = new Map<string, SendRunRecord[]>();
  for (const run of runs) {
    const key = `${run.mode}|${run.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const sum = (group: SendRunRecord[], pick: (run: SendRunRecord) => number) =>
    group.reduce((total, run) => total + pick(run), 0);
  return [...groups.values()].map((group) => ({
    mode: group[0].mode,
    scenario: group[0].scenario,
    runs: group.length,
    acceptedPerSec: round1(median(group.map((run) => run.acceptedPerSec))),
    sentPerSec: round1(median(group.map((run) => run.sentPerSec))),
    acceptP99Ms: round1(median(group.map((run) => run.acceptP99Ms))),
    p50Ms: round1(median(group.map((run) => run.p50Ms))),
    p99Ms: round1(median(group.map((run) => run.p99Ms))),
    issuedToSentP99Ms: round1(median(group.map((run) => run.issuedToSentP99Ms))),
    unsent: sum(group, (run) => run.unsent),
    duplicates: sum(group, (run) => run.duplicates),
    refused: sum(group, (run) => run.issued - run.accepted),
    ...cpuFigures(group),
  }));
}

function cpuFigures(
  group: readonly SendRunRecord[],
): Pick<SendMedian, 'cpuMsPerMessage' | 'cpuBoundPerSec'> {
  const cpuMsPerMessage: Record<string, number> = {};
  for (const name of Object.keys(group[0].cpuMsPerMessage)) {
    cpuMsPerMessage[name] = round2(median(group.map((run) => run.cpuMsPerMessage[name])));
  }
  const total = Object.values(cpuMsPerMessage).reduce((sum, ms) => sum + ms, 0);
  cpuMsPerMessage.total = round2(total);
  return {
    cpuMsPerMessage,
    cpuBoundPerSec: total ? round1((cpus().length * 1_000) / total) : 0,
  };
}

/**
 * The issue's outbound targets on the medians: throughput at saturation per mode, p99 at each
 * fixed rate up to 1,000/s (the rates below the target throughput, so not rate-limited), and
 * every paced number within ±5 % of its configured rate.
 */
export function outboundTargets(
  all: readonly SendMedian[],
  modes: readonly string[],
  pacing: PacingRecord | undefined,
): Target[] {
  const targets: Target[] = [];
  for (const mode of modes.filter((name) => name !== 'baseline')) {
    const saturated = all.find((m) => m.mode === mode && m.scenario.startsWith('saturation'));
    targets.push({
      target: `>= 1,000 messages/s accepted and sent (${mode})`,
      measured: saturated
        ? `${saturated.sentPerSec} sent/s (${saturated.acceptedPerSec} accepted/s)`
        : 'not measured',
      met: Boolean(saturated && saturated.sentPerSec >= 1_000 && saturated.acceptedPerSec >= 1_000),
    });
    for (const fixed of all.filter((m) => m.mode === mode && m.scenario.startsWith('rate@'))) {
      const rate = Number(fixed.scenario.slice('rate@'.length));
      if (rate > 1_000) continue;
      // A rate the pipeline did not sustain measures its backlog, not its latency.
      const keptUp = fixed.acceptedPerSec >= rate * 0.95 && fixed.sentPerSec >= rate * 0.95;
      targets.push({
        target: `p99 accept->sent < 200 ms at ${fixed.scenario} (${mode})`,
        measured:
          `p50 ${fixed.p50Ms} ms, p99 ${fixed.p99Ms} ms` +
          (keptUp
            ? ''
            : ` (did not keep up: ${fixed.acceptedPerSec} accepted/s, ${fixed.sentPerSec} sent/s)`),
        met: keptUp && fixed.p99Ms < 200,
      });
    }
  }
  if (pacing) {
    const worst = pacing.accounts.reduce(
      (max, account) => Math.max(max, Math.abs(account.deviationPct)),
      0,
    );
    targets.push({
      target: `per-account pacing within ±5 % of ${pacing.configuredPerSec}/s`,
      measured: pacing.accounts
        .map((account) => `${account.achievedPerSec}/s (${account.deviationPct}%)`)
        .join(', '),
      met: pacing.accounts.length > 0 && worst <= 5,
    });
  }
  return targets;
}

/** Omnihub over the baseline, per mode and scenario (throughput: higher is better, else lower). */
export type OutboundRatios = Record<string, Record<string, number>>;

export function outboundRatios(
  all: readonly SendMedian[],
  commits: Record<string, number>,
): OutboundRatios {
  const ratio = (a: number, b: number) => (b ? round2(a / b) : NaN);
  const result: OutboundRatios = {};
  for (const m of all.filter((median) => median.mode !== 'baseline')) {
    const base = all.find((b) => b.mode === 'baseline' && b.scenario === m.scenario);
    if (!base) continue;
    result[`${m.mode} ${m.scenario}`] = {
      sentPerSec: ratio(m.sentPerSec, base.sentPerSec),
      p50Ms: ratio(m.p50Ms, base.p50Ms),
      p99Ms: ratio(m.p99Ms, base.p99Ms),
      cpuMsPerMessage: ratio(m.cpuMsPerMessage.total, base.cpuMsPerMessage.total),
      commitsPerMessage: ratio(commits[m.mode], commits.baseline),
    };
  }
  return result;
}

export function printOutboundTable(
  all: readonly SendMedian[],
  commits: Record<string, number>,
  ratios: OutboundRatios,
  pacing: PacingRecord | undefined,
  met: readonly Target[],
): void {
  console.table(
    all.map((m) => ({
      mode: m.mode,
      scenario: m.scenario,
      runs: m.runs,
      'accepted/s': m.acceptedPerSec,
      'sent/s': m.sentPerSec,
      '202 p99 ms': m.acceptP99Ms,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'issued->sent p99': m.issuedToSentP99Ms,
      'CPU ms/msg': Object.entries(m.cpuMsPerMessage)
        .map(([name, ms]) => `${name.replace(/^outbound-/, '')} ${ms}`)
        .join(', '),
      'CPU-bound/s': m.cpuBoundPerSec,
      unsent: m.unsent,
      dup: m.duplicates,
      refused: m.refused,
    })),
  );
  console.log(
    `PostgreSQL commits per message: ${Object.entries(commits)
      .map(([mode, count]) => `${mode} ${count}`)
      .join(', ')}`,
  );
  if (Object.keys(ratios).length) {
    console.log('Omnihub / baseline:');
    console.table(ratios);
  }
  if (pacing) {
    console.table(
      pacing.accounts.map((account) => ({
        number: account.phoneNumberId,
        'configured/s': pacing.configuredPerSec,
        backlog: pacing.backlogPerAccount,
        'achieved/s': account.achievedPerSec,
        'deviation %': account.deviationPct,
        'window s': account.windowS,
      })),
    );
  }
  printTargets(met);
}
