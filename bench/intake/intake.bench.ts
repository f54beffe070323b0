// Webhook intake (issue 6, benchmark 1; issue 18): Omnihub (compiled, api role) and two
// hand-written baselines (baseline-server.ts: one insert + one job per request;
// group-commit-baseline-server.ts: one multi-row insert + one addBulk per 2 ms flush) run side
// by side as child processes on a database and Redis prefix of their own; this process
// generates the load, in rounds whose order alternates.
import { randomBytes } from 'node:crypto';
import { API_NODE_OPTIONS, omnihubEntry, otherBuildFromEnv } from '../support/compiled-app';
import { cpuProfileEnv } from '../support/cpu-profile';
import { BENCH_DATABASE_POOL_SIZE, prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, writeResults } from '../support/report';
import { type RunningServer, startServer } from '@test/support/server-process';
import {
  type LoadConfig,
  measure,
  type RunRecord,
  type Scenario,
  scenarioName,
  warmUp,
} from './load';
import { GROUP_COMMIT, medians, PER_REQUEST, printTable, ratios, targets } from './report';
import { bodySizes, buildWebhookPool } from './webhook-pool';

/** BENCH_RATES=500,1000 picks the fixed-rate scenarios; BENCH_RATES=none measures saturation only. */
function ratesFromEnv(): number[] {
  const value = process.env.BENCH_RATES ?? '500,1000,2000';
  if (value === 'none') return [];
  return value.split(',').map((rate) => {
    const parsed = Number(rate);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`BENCH_RATES: bad rate ${rate}`);
    return parsed;
  });
}

/** The server name of BENCH_INTAKE_OTHER_BUILD's Omnihub in the tables and results. */
const OTHER_BUILD = 'omnihub-other';

/** BENCH_INTAKE_BASELINES=group-commit runs only that one (both by default). */
function baselinesFromEnv(): string[] {
  const names = (process.env.BENCH_INTAKE_BASELINES ?? `${PER_REQUEST},${GROUP_COMMIT}`).split(',');
  for (const name of names) {
    if (name !== PER_REQUEST && name !== GROUP_COMMIT) {
      throw new Error(`BENCH_INTAKE_BASELINES: unknown baseline ${name}`);
    }
  }
  return names;
}

export async function runIntakeBenchmark(): Promise<void> {
  const RUNS = numberFromEnv('BENCH_RUNS', 3);
  const CONNECTIONS = numberFromEnv('BENCH_CONNECTIONS', 100);
  const config: LoadConfig = {
    durationS: numberFromEnv('BENCH_DURATION_S', 10),
    warmupS: numberFromEnv('BENCH_WARMUP_S', 2),
    rateConnections: numberFromEnv('BENCH_RATE_CONNECTIONS', 50),
    maxRps: numberFromEnv('BENCH_MAX_RPS', 15_000),
    appSecret: randomBytes(24).toString('hex'),
  };
  const RATES = ratesFromEnv();
  const SCENARIOS: Scenario[] = [
    { kind: 'sustained', connections: CONNECTIONS },
    ...RATES.map((rate) => ({ kind: 'rate' as const, rate })),
  ];
  const environment = await prepareBenchEnvironment();
  const servers: RunningServer[] = [];
  try {
    const shared = {
      DATABASE_URL: environment.databaseUrl,
      REDIS_URL: environment.redisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      META_APP_SECRET: config.appSecret,
      DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
    };
    const omnihubEnv = {
      ...shared,
      APP_ROLE: 'api',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ADMIN_API_KEY: randomBytes(24).toString('hex'),
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      ...cpuProfileEnv(API_NODE_OPTIONS),
    };
    // One at a time, so a server that fails to start never leaves the other one running.
    const app = omnihubEntry();
    servers.push(await startServer('omnihub', app.entry, { ...omnihubEnv, ...app.env }));
    const other = otherBuildFromEnv('BENCH_INTAKE_OTHER_BUILD');
    if (other) {
      servers.push(await startServer(OTHER_BUILD, other.entry, { ...omnihubEnv, ...other.env }));
    }
    const baselines = baselinesFromEnv();
    if (baselines.includes(PER_REQUEST)) {
      servers.push(await startServer(PER_REQUEST, 'bench/intake/baseline-server.ts', shared));
    }
    if (baselines.includes(GROUP_COMMIT)) {
      servers.push(
        await startServer(GROUP_COMMIT, 'bench/intake/group-commit-baseline-server.ts', shared),
      );
    }

    const WARMUP_REQUESTS = numberFromEnv('BENCH_WARMUP_REQUESTS', 5_000);
    const idle: Record<string, number> = {};
    for (const server of servers) {
      idle[server.name] = (await warmUp(server, WARMUP_REQUESTS, config)).idleCpuMsPerS;
      console.log(`${server.name}: idle ${idle[server.name]} CPU ms/s, warmed up`);
    }

    const runs: RunRecord[] = [];
    for (let round = 1; round <= RUNS; round += 1) {
      for (const scenario of SCENARIOS) {
        // Alternate who goes first, so none always meets the smaller table or a warmer cache.
        const order = round % 2 ? servers : [...servers].reverse();
        for (const server of order) {
          const record = await measure(server, scenario, config, environment);
          runs.push(record);
          console.log(
            `run ${round}/${RUNS} ${server.name} ${scenarioName(scenario)}: ` +
              `${record.reqPerSec} req/s, p50 ${record.p50Ms} ms, p99 ${record.p99Ms} ms, ` +
              `cpu ${record.cpuMsPerRequest} ms/req, ` +
              `non-2xx ${record.measuredNon2xx}, errors ${record.errors}, ` +
              `acknowledged ${record.acknowledged}, stored ${record.rowsStored}, ` +
              `lost ${record.lost}` +
              (record.poolExhausted ? ' (body pool exhausted: raise BENCH_MAX_RPS)' : ''),
          );
        }
      }
    }

    const all = medians(runs);
    const met = targets(all, scenarioName(SCENARIOS[0]));
    const file = writeResults('intake', {
      config: {
        runs: RUNS,
        connections: CONNECTIONS,
        rates: RATES,
        warmupRequests: WARMUP_REQUESTS,
        ...config,
        appSecret: undefined,
      },
      idleCpuMsPerS: idle,
      bodyBytes: bodySizes(buildWebhookPool(2_000, config.appSecret)),
      runs,
      medians: all,
      ratios: ratios(all),
      targets: met,
      correctness: {
        lost: runs.reduce((sum, run) => sum + run.lost, 0),
        storedUnacknowledged: runs.reduce((sum, run) => sum + run.storedUnacknowledged, 0),
        poolExhaustedRuns: runs.filter((run) => run.poolExhausted).length,
      },
    });
    printTable(all, runs, met);
    console.table(ratios(all));
    console.log(`Results: ${file}`);
  } finally {
    for (const server of servers) await server.stop();
    await environment.dispose();
  }
}
