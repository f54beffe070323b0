// Outbound pipeline (issue 6, benchmark 2): messages accepted by POST /api/v2/messages until
// the Meta Graph fake (in this process, so both timestamps share one clock) has received them,
// with the worker in the API process (APP_ROLE=all) and in a process of its own (api + worker),
// against a hand-written baseline doing the same durable work; then per-account pacing on a
// pair of processes configured with a send rate.
import type { RunningServer } from '@test/support/server-process';
import { type BenchEnvironment, prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, writeResults } from '../support/report';
import { type BenchGraph, startBenchGraph } from './bench-graph';
import { measureCommitsPerMessage } from './commit-count';
import { CostMeter } from './cost-meter';
import {
  type BenchAccount,
  connectAccounts,
  hubEnv,
  type HubSecrets,
  newHubSecrets,
  startHub,
} from './hub-fixture';
import {
  type Mode,
  type ModeContext,
  MODES,
  type RunningMode,
  startBaselineMode,
  startOmnihubMode,
} from './modes';
import { measurePacing, type PacingRecord } from './pacing';
import { outboundRatios, outboundTargets, printOutboundTable, sendMedians } from './report';
import { SendLoad, type SendRunRecord, type SendScenario, sendScenarioName } from './send-load';
import { StatementCounter } from './statement-count';

export async function runOutboundBenchmark(): Promise<void> {
  const RUNS = numberFromEnv('BENCH_RUNS', 3);
  const DURATION_S = numberFromEnv('BENCH_DURATION_S', 10);
  const CONNECTIONS = numberFromEnv('BENCH_OUTBOUND_CONNECTIONS', 32);
  const ACCOUNTS = numberFromEnv('BENCH_OUTBOUND_ACCOUNTS', 8);
  const CUSTOMERS = numberFromEnv('BENCH_OUTBOUND_CUSTOMERS', 50);
  // Far above what one process can send, so pacing never delays the throughput runs.
  const UNPACED_RATE = numberFromEnv('BENCH_OUTBOUND_ACCOUNT_RATE', 10_000);
  const PACED_RATE = numberFromEnv('BENCH_PACED_RATE', 50);
  // Seconds of sends at the paced rate queued per account: the length of the measured drain.
  const PACED_BACKLOG_S = numberFromEnv('BENCH_PACED_BACKLOG_S', 30);
  // The first seconds show the worker's cold start and the full bucket, not the steady pace.
  const PACED_SKIP_S = numberFromEnv('BENCH_PACED_SKIP_S', 5);
  // 50/s is one a 2-core machine keeps up with, so its latency is not queueing behind a backlog.
  const RATES = (process.env.BENCH_OUTBOUND_RATES ?? '50,250,500,1000')
    .split(',')
    .map(Number)
    .filter((rate) => rate > 0);
  const PACED_ACCOUNTS = 2;
  const scenarios: SendScenario[] = [
    { kind: 'saturation', connections: CONNECTIONS },
    ...RATES.map((rate) => ({ kind: 'rate' as const, rate, connections: CONNECTIONS })),
  ];
  const names = (process.env.BENCH_OUTBOUND_MODES ?? 'all,split,baseline')
    .split(',')
    .filter((mode): mode is Mode => (MODES as readonly string[]).includes(mode));

  const environment = await prepareBenchEnvironment(names.filter((name) => name !== 'baseline'));
  const graph = await startBenchGraph(ACCOUNTS + PACED_ACCOUNTS);
  const secrets = newHubSecrets();
  const context: ModeContext = { environment, graph, secrets, accountRate: UNPACED_RATE };
  const running: RunningServer[] = [];
  const stopAll = async () => {
    for (const server of running.splice(0).reverse()) await server.stop();
  };
  try {
    // Every mode runs at once, each on queues of its own, and each round goes through them all
    // (starting with a different one each time): a load change on the shared machine then
    // falls on every mode alike. Idle modes cost little: their workers block on Redis.
    const modes: RunningMode[] = [];
    for (const mode of names.filter((name) => name !== 'baseline')) {
      const started = await startOmnihubMode(mode, context);
      running.push(...started.processes);
      modes.push(started);
    }
    if (!modes.length) throw new Error('choose an Omnihub mode: it sets up the accounts');
    // The same numbers and customers in every mode's database.
    const accountsOf = new Map<Mode, BenchAccount[]>();
    for (const m of modes) {
      accountsOf.set(
        m.mode,
        await connectAccounts(m.api.url, secrets, graph.accounts.slice(0, ACCOUNTS), {
          accountsPerTenant: 2,
          customersPerAccount: CUSTOMERS,
        }),
      );
    }
    if (names.includes('baseline')) {
      const first = modes[0];
      const baseline = await startBaselineMode(accountsOf.get(first.mode)!, first.storage, context);
      accountsOf.set('baseline', accountsOf.get(first.mode)!);
      running.push(...baseline.processes);
      modes.push(baseline);
    }

    const loads = await Promise.all(
      modes.map(async (m) => {
        const statements = process.env.BENCH_STATEMENTS
          ? await StatementCounter.of(m.storage.db)
          : undefined;
        const pids = Object.fromEntries(m.processes.map((p) => [p.name, p.pid]));
        const meter = new CostMeter(pids, m.storage.db, statements);
        const load = new SendLoad(m.api.url, accountsOf.get(m.mode)!, graph, meter);
        return { mode: m.mode, db: m.storage.db, load, statements };
      }),
    );
    const commits: Record<string, number> = {};
    for (const { mode, db, load } of loads) {
      await load.run(mode, { kind: 'rate', rate: 200, connections: 10 }, 3);
      commits[mode] = await measureCommitsPerMessage(load, mode, db);
      console.log(`${mode}: ${commits[mode]} PostgreSQL commits per message`);
    }
    const runs: SendRunRecord[] = [];
    for (let round = 1; round <= RUNS; round += 1) {
      for (const scenario of scenarios) {
        for (let turn = 0; turn < loads.length; turn += 1) {
          const { mode, load } = loads[(round + turn) % loads.length];
          const record = await load.run(mode, scenario, DURATION_S);
          runs.push(record);
          logRun(round, RUNS, mode, scenario, record);
        }
      }
    }
    for (const { load, statements } of loads) {
      await load.close();
      await statements?.close();
    }
    await stopAll();

    const pacing =
      process.env.BENCH_OUTBOUND_PACING === 'off'
        ? undefined
        : await runPacing(environment, graph, secrets, running, graph.accounts.slice(ACCOUNTS), {
            rate: PACED_RATE,
            backlogS: PACED_BACKLOG_S,
            skipS: PACED_SKIP_S,
          });
    await stopAll();

    const all = sendMedians(runs);
    const met = outboundTargets(all, names, pacing);
    const ratios = outboundRatios(all, commits);
    const file = writeResults('outbound', {
      config: {
        runs: RUNS,
        durationS: DURATION_S,
        connections: CONNECTIONS,
        rates: RATES,
        modes: names,
        accounts: ACCOUNTS,
        customersPerAccount: CUSTOMERS,
        unpacedAccountRate: UNPACED_RATE,
        pacedRate: PACED_RATE,
        pacedBacklogS: PACED_BACKLOG_S,
        pacedSkipS: PACED_SKIP_S,
        app: process.env.BENCH_APP === 'ts' ? 'src via ts-node' : 'compiled build',
      },
      runs,
      medians: all,
      commitsPerMessage: commits,
      ratios,
      pacing,
      targets: met,
    });
    printOutboundTable(all, commits, ratios, pacing, met);
    console.log(`Results: ${file}`);
  } finally {
    await stopAll();
    await graph.close();
    await environment.dispose();
  }
}

/**
 * Pacing on its own api and worker processes, configured with `rate`: the worker opens the
 * customers' windows (it processes the inbound webhooks), is stopped while the api accepts a
 * backlog, and started again to drain it.
 */
async function runPacing(
  environment: BenchEnvironment,
  graph: BenchGraph,
  secrets: HubSecrets,
  running: RunningServer[],
  numbers: BenchGraph['accounts'],
  options: { rate: number; backlogS: number; skipS: number },
): Promise<PacingRecord> {
  const pacedEnv = (role: string) =>
    hubEnv(environment, graph, secrets, {
      APP_ROLE: role,
      QUEUE_PREFIX: `${environment.queuePrefix}paced`,
      WHATSAPP_CLOUD_MESSAGES_PER_SECOND: String(options.rate),
    });
  const worker = await startHub('outbound-paced-worker', pacedEnv('worker'));
  running.push(worker);
  const api = await startHub('outbound-paced-api', pacedEnv('api'));
  running.push(api);
  const accounts: BenchAccount[] = await connectAccounts(api.url, secrets, numbers, {
    accountsPerTenant: numbers.length,
    customersPerAccount: 20,
  });
  await worker.stop();
  const pacing = await measurePacing(
    api.url,
    accounts,
    graph,
    async () => {
      running.push(await startHub('outbound-paced-worker', pacedEnv('worker')));
    },
    { ratePerSecond: options.rate, backlogS: options.backlogS, burstSkipS: options.skipS },
  );
  console.log(
    `paced ${options.rate}/s: ` +
      pacing.accounts.map((a) => `${a.achievedPerSec}/s (${a.deviationPct}%)`).join(', '),
  );
  return pacing;
}

function logRun(
  round: number,
  runs: number,
  mode: string,
  scenario: SendScenario,
  record: SendRunRecord,
): void {
  console.log(
    `run ${round}/${runs} ${mode} ${sendScenarioName(scenario)}: ` +
      `${record.acceptedPerSec} accepted/s (${record.notIssued} not issued), ` +
      `${record.sentPerSec} sent/s, ` +
      `accept->sent p50 ${record.p50Ms} ms p99 ${record.p99Ms} ms, ` +
      `202 p99 ${record.acceptP99Ms} ms, drain ${record.drainS} s, ` +
      `unsent ${record.unsent}, dup ${record.duplicates}, ` +
      `refused ${JSON.stringify(record.refused)}, ` +
      `CPU ms/msg ${JSON.stringify(record.cpuMsPerMessage)}`,
  );
}
