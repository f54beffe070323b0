// Outbound pipeline (issue 6, benchmark 2): messages accepted by POST /api/v2/messages until
// the Meta Graph fake (in this process, so both timestamps share one clock) has received them,
// with the worker in the API process (APP_ROLE=all) and in a process of its own (api + worker);
// then per-account pacing on a process configured with a send rate.
import { prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, writeResults } from '../support/report';
import type { RunningServer } from '@test/support/server-process';
import { startBenchGraph } from './bench-graph';
import { CostMeter } from './cost-meter';
import { type BenchAccount, connectAccounts, hubEnv, newHubSecrets, startHub } from './hub-fixture';
import { measurePacing, type PacingRecord } from './pacing';
import { outboundTargets, printOutboundTable, sendMedians } from './report';
import { SendLoad, type SendRunRecord, type SendScenario, sendScenarioName } from './send-load';

/** How the roles are laid out over processes: one `all`, or one `api` beside one `worker`. */
const MODES: Record<string, string[]> = { all: ['all'], split: ['api', 'worker'] };

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
  const names = (process.env.BENCH_OUTBOUND_MODES ?? Object.keys(MODES).join(','))
    .split(',')
    .filter((mode) => mode in MODES);

  const environment = await prepareBenchEnvironment();
  const graph = await startBenchGraph(ACCOUNTS + PACED_ACCOUNTS);
  const secrets = newHubSecrets();
  const running: RunningServer[] = [];
  const stopAll = async () => {
    for (const server of running.splice(0).reverse()) await server.stop();
  };
  try {
    const runs: SendRunRecord[] = [];
    let accounts: BenchAccount[] | undefined;
    for (const mode of names) {
      // Workers first: the api is only used once every process of the mode is ready.
      for (const role of [...MODES[mode]].reverse()) {
        running.push(
          await startHub(
            `outbound-${role}`,
            hubEnv(environment, graph, secrets, {
              APP_ROLE: role,
              WHATSAPP_CLOUD_MESSAGES_PER_SECOND: String(UNPACED_RATE),
            }),
          ),
        );
      }
      const api = running.at(-1)!;
      accounts ??= await connectAccounts(api.url, secrets, graph.accounts.slice(0, ACCOUNTS), {
        accountsPerTenant: 2,
        customersPerAccount: CUSTOMERS,
      });
      const pids = Object.fromEntries(running.map((server) => [server.name, server.pid]));
      const load = new SendLoad(api.url, accounts, graph, new CostMeter(pids, environment.db));
      await load.run(mode, { kind: 'rate', rate: 200, connections: 10 }, 3);
      for (let round = 1; round <= RUNS; round += 1) {
        for (const scenario of scenarios) {
          const record = await load.run(mode, scenario, DURATION_S);
          runs.push(record);
          console.log(
            `run ${round}/${RUNS} ${mode} ${sendScenarioName(scenario)}: ` +
              `${record.acceptedPerSec} accepted/s (${record.notIssued} not issued), ` +
              `${record.sentPerSec} sent/s, ` +
              `accept->sent p50 ${record.p50Ms} ms p99 ${record.p99Ms} ms, ` +
              `202 p99 ${record.acceptP99Ms} ms, drain ${record.drainS} s, ` +
              `unsent ${record.unsent}, dup ${record.duplicates}, ` +
              `refused ${JSON.stringify(record.refused)}, ` +
              `CPU ms/msg ${JSON.stringify(record.cpuMsPerMessage)}, ` +
              `commits/msg ${record.commitsPerMessage}`,
          );
        }
      }
      await load.close();
      await stopAll();
    }

    let pacing: PacingRecord | undefined;
    if (process.env.BENCH_OUTBOUND_PACING !== 'off') {
      const pacedEnv = (role: string) =>
        hubEnv(environment, graph, secrets, {
          APP_ROLE: role,
          WHATSAPP_CLOUD_MESSAGES_PER_SECOND: String(PACED_RATE),
        });
      const worker = await startHub('outbound-paced-worker', pacedEnv('worker'));
      const api = await startHub('outbound-paced-api', pacedEnv('api'));
      running.push(api);
      // The worker is needed to open the windows (it processes the inbound webhooks), then
      // stopped while the backlog is accepted.
      const pacedAccounts = await connectAccounts(
        api.url,
        secrets,
        graph.accounts.slice(ACCOUNTS),
        { accountsPerTenant: PACED_ACCOUNTS, customersPerAccount: 20 },
      );
      await worker.stop();
      pacing = await measurePacing(
        api.url,
        pacedAccounts,
        graph,
        async () => {
          running.push(await startHub('outbound-paced-worker', pacedEnv('worker')));
        },
        { ratePerSecond: PACED_RATE, backlogS: PACED_BACKLOG_S, burstSkipS: PACED_SKIP_S },
      );
      console.log(
        `paced ${PACED_RATE}/s: ` +
          pacing.accounts.map((a) => `${a.achievedPerSec}/s (${a.deviationPct}%)`).join(', '),
      );
      await stopAll();
    }

    const all = sendMedians(runs);
    const met = outboundTargets(all, names, pacing);
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
      },
      runs,
      medians: all,
      pacing,
      targets: met,
    });
    printOutboundTable(all, pacing, met);
    console.log(`Results: ${file}`);
  } finally {
    await stopAll();
    await graph.close();
    await environment.dispose();
  }
}
