import { round1, round2 } from '../support/report';
import type { BenchGraph } from './bench-graph';
import type { BenchAccount } from './hub-fixture';
import { SendLoad, type SendRunRecord } from './send-load';

export interface PacedAccount {
  phoneNumberId: string;
  /** Sends the fake received for this number during the measured window. */
  sentInWindow: number;
  windowS: number;
  achievedPerSec: number;
  /** (achieved / configured − 1) in percent. */
  deviationPct: number;
  /** Sends received in each second from the number's first send: the shape of the pacing. */
  perSecond: number[];
}

export interface PacingRecord {
  configuredPerSec: number;
  /** Messages accepted per account before the worker started. */
  backlogPerAccount: number;
  /**
   * Seconds after each number's first send left out: the bucket starts full (one second's
   * burst) and the worker starts cold; tokens it leaves unused while slow, it spends later.
   */
  burstSkipS: number;
  accounts: PacedAccount[];
  run: SendRunRecord;
}

/**
 * Per-account pacing, measured where it shows: at the platform. With the worker stopped, the
 * api accepts `ratePerSecond × backlogS` messages per account; then `startWorker` brings a
 * worker up and it drains them, paced. The rate each number's sends reach the fake, from
 * `burstSkipS` after its first until its last, is compared with the configured rate. A
 * backlog, rather than a stream offered faster than the rate, keeps every bucket saturated
 * whatever the api's own accept rate on a busy machine.
 */
export async function measurePacing(
  apiUrl: string,
  accounts: readonly BenchAccount[],
  graph: BenchGraph,
  startWorker: () => Promise<void>,
  options: { ratePerSecond: number; backlogS: number; burstSkipS: number },
): Promise<PacingRecord> {
  const arrivals = new Map<string, number[]>(accounts.map((a) => [a.phoneNumberId, []]));
  graph.onArrival(({ phoneNumberId, at }) => arrivals.get(phoneNumberId)?.push(at));
  const backlogPerAccount = Math.ceil(options.ratePerSecond * options.backlogS);
  const load = new SendLoad(apiUrl, accounts, graph);
  const run = await load.run(
    'split',
    { kind: 'backlog', messages: backlogPerAccount * accounts.length, connections: 32 },
    0,
    startWorker,
  );
  await load.close();
  return {
    configuredPerSec: options.ratePerSecond,
    backlogPerAccount,
    burstSkipS: options.burstSkipS,
    accounts: [...arrivals].map(([phoneNumberId, times]) =>
      pacedRate(phoneNumberId, times, options.ratePerSecond, options.burstSkipS),
    ),
    run: { ...run, scenario: `paced@${options.ratePerSecond}/s` },
  };
}

function pacedRate(
  phoneNumberId: string,
  times: number[],
  configured: number,
  burstSkipS: number,
): PacedAccount {
  const sorted = [...times].sort((a, b) => a - b);
  const start = (sorted[0] ?? 0) + burstSkipS * 1000;
  const end = sorted.at(-1) ?? 0;
  const sentInWindow = sorted.filter((at) => at > start && at <= end).length;
  const windowS = (end - start) / 1000;
  const achieved = windowS > 0 ? sentInWindow / windowS : 0;
  const perSecond: number[] = [];
  for (const at of sorted) {
    const second = Math.floor((at - sorted[0]) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  return {
    phoneNumberId,
    perSecond: Array.from(perSecond, (count) => count ?? 0),
    sentInWindow,
    windowS: round1(windowS),
    achievedPerSec: round2(achieved),
    deviationPct: round2((achieved / configured - 1) * 100),
  };
}
