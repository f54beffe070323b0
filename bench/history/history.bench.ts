// History as data grows (issue 6, benchmark 3). Two Omnihubs (api role, see omnihubEntry) run as
// child processes, each on a database of its own: the growing one is bulk-loaded in steps
// (10k, 1M, 5M stored messages by default; BENCH_HISTORY_SIZES=10k,200k for a quick check),
// the reference one is loaded once to the smallest size. After each step this process reads
// the conversation list and conversation histories of both over HTTP, alternating between
// them, so "p99 at 5M against p99 at 10k" compares runs that met the same machine load, and
// runs each read's SQL inside PostgreSQL (time and shared buffers) the same way.
//
// Knobs: BENCH_HISTORY_SIZES, BENCH_HISTORY_RUNS (3), BENCH_HISTORY_LATENCY_CONNECTIONS (1)
// with BENCH_HISTORY_DURATION_S (8) for latency, BENCH_HISTORY_CONNECTIONS (8) with
// BENCH_HISTORY_SATURATION_S (3) for req/s, BENCH_HISTORY_WARMUP_S (1),
// BENCH_HISTORY_SQL_ITERATIONS (200). BENCH_HISTORY_PARTS (growth,encryption): `encryption`
// alone loads only the smallest size and compares its reads with the measured tenant's message
// text plain and sealed at rest (./encryption.ts), BENCH_HISTORY_RUNS rounds.
import { loadavg } from 'node:os';
import { numberFromEnv, round2, writeResults } from '../support/report';
import type { StepLoad } from './bulk-load';
import { type GrowthStep, growthSteps, parseSizes, sizeLabel } from './data-plan';
import { type Deployment, startDeployment } from './deployment';
import { type DatabaseRole, type LoadConfig, measure, type RunRecord } from './load';
import { compareEncryption, printEncryptionTable } from './encryption';
import { growth, medians, printTable, targets } from './report';
import { measureSql, printSqlTable, type SqlRecord, sqlGrowth, sqlTargets } from './sql-timing';
import { explain, type MeasuredRoute, measuredRoutes, PAGE_LIMIT, type QueryPlan } from './routes';

interface Measured {
  database: DatabaseRole;
  deployment: Deployment;
  size: number;
  routes: MeasuredRoute[];
}

interface StepRecord {
  size: number;
  load: StepLoad;
  routes: Record<string, RouteRecord>;
  /** 1-minute load average before and after the step's measurements: the cores are shared. */
  loadAverage: [number, number];
}

interface RouteRecord {
  path: string;
  describes: string;
  responseBytes: number;
  plan: QueryPlan;
}

export async function runHistoryBenchmark(): Promise<void> {
  const sizes = parseSizes(process.env.BENCH_HISTORY_SIZES);
  const RUNS = numberFromEnv('BENCH_HISTORY_RUNS', 3);
  const SQL_ITERATIONS = numberFromEnv('BENCH_HISTORY_SQL_ITERATIONS', 200);
  const config: LoadConfig = {
    latencyConnections: numberFromEnv('BENCH_HISTORY_LATENCY_CONNECTIONS', 1),
    saturationConnections: numberFromEnv('BENCH_HISTORY_CONNECTIONS', 8),
    durationS: numberFromEnv('BENCH_HISTORY_DURATION_S', 8),
    saturationDurationS: numberFromEnv('BENCH_HISTORY_SATURATION_S', 3),
    warmupS: numberFromEnv('BENCH_HISTORY_WARMUP_S', 1),
  };
  const steps = growthSteps(sizes, new Date());
  const parts = (process.env.BENCH_HISTORY_PARTS ?? 'growth,encryption').split(',');
  if (!parts.includes('growth')) {
    if (parts.includes('encryption')) await runEncryptionOnly(steps[0], RUNS, config);
    return;
  }
  const deployments: Deployment[] = [];
  try {
    // One at a time, so one failing to start never leaves the other running.
    const growing = await startDeployment('growing');
    deployments.push(growing);
    const reference = await startDeployment('reference');
    deployments.push(reference);

    const referenceLoad = await loadStep(reference, steps[0]);
    const referenceMeasured: Measured = {
      database: 'reference',
      deployment: reference,
      size: steps[0].size,
      routes: await routesOf(reference),
    };
    const referenceRoutes = await describeRoutes(referenceMeasured);

    const records: StepRecord[] = [];
    const runs: RunRecord[] = [];
    const sqlRecords: SqlRecord[] = [];
    for (const step of steps) {
      const load = await loadStep(growing, step);
      const growingMeasured: Measured = {
        database: 'growing',
        deployment: growing,
        size: step.size,
        routes: await routesOf(growing),
      };
      const routes = await describeRoutes(growingMeasured);
      const loadBefore = round2(loadavg()[0]);
      sqlRecords.push(
        ...(await measureSql(
          step.size,
          [growingMeasured, referenceMeasured].map((measured) => ({
            ...measured,
            db: measured.deployment.environment.db,
          })),
          SQL_ITERATIONS,
        )),
      );
      for (let round = 1; round <= RUNS; round += 1) {
        // Alternate who goes first, so neither always meets a warmer cache or a quieter machine.
        const pair =
          round % 2 ? [growingMeasured, referenceMeasured] : [referenceMeasured, growingMeasured];
        for (const [index, route] of growingMeasured.routes.entries()) {
          for (const mode of ['latency', 'saturation'] as const) {
            for (const measured of pair) {
              const { deployment } = measured;
              const run = await measure(
                deployment.server,
                deployment.headers,
                measured.routes[index],
                mode,
                config,
                { step: step.size, database: measured.database, size: measured.size, round },
              );
              runs.push(run);
              console.log(
                `${sizeLabel(step.size)} run ${round}/${RUNS} ${route.name} ${mode} ` +
                  `${measured.database}: ${run.reqPerSec} req/s, p50 ${run.p50Ms} ms, ` +
                  `p99 ${run.p99Ms} ms, max ${run.maxMs} ms, failed ${run.non2xx + run.errors}`,
              );
            }
          }
        }
      }
      records.push({
        size: step.size,
        load,
        routes,
        loadAverage: [loadBefore, round2(loadavg()[0])],
      });
    }

    const all = medians(runs);
    const ratios = growth(all);
    const sqlRatios = sqlGrowth(sqlRecords);
    const met = [...targets(all, ratios), ...sqlTargets(sqlRecords, sqlRatios)];
    const file = writeResults('history', {
      config: {
        sizes,
        runs: RUNS,
        sqlIterations: SQL_ITERATIONS,
        pageLimit: PAGE_LIMIT,
        ...config,
      },
      steps: records,
      reference: { size: steps[0].size, load: referenceLoad, routes: referenceRoutes },
      runs,
      medians: all,
      ratios,
      sql: { records: sqlRecords, ratios: sqlRatios },
      targets: met,
    });
    printSqlTable(sqlRecords, sqlRatios);
    printTable(all, ratios, met, config);
    console.log(`Results: ${file}`);
    if (parts.includes('encryption')) {
      await encryptionPart(referenceMeasured.deployment, referenceMeasured.routes, RUNS, config);
    }
  } finally {
    for (const deployment of deployments) await deployment.stop();
  }
}

async function loadStep(deployment: Deployment, step: GrowthStep): Promise<StepLoad> {
  console.log(
    `${deployment.name}: loading ${sizeLabel(step.size)} messages (+${step.messages})...`,
  );
  const load = await deployment.loader.grow(step);
  console.log(
    `${deployment.name}: loaded ${sizeLabel(step.size)} in ${load.totalS} s: ` +
      `conversations ${load.conversationsS} s, messages ${load.messagesS} s, ` +
      `activity ${load.activityS} s, vacuum+analyze ${load.vacuumAnalyzeS} s, ` +
      `checkpoint ${load.checkpointS} s (${load.rows.conversations} conversations; ` +
      `messages ${mb(load.bytes.messages)} MB + indexes ${mb(load.bytes.messagesIndexes)} MB)`,
  );
  return load;
}

async function routesOf(deployment: Deployment): Promise<MeasuredRoute[]> {
  return measuredRoutes(
    deployment.environment.db,
    deployment.tenantId,
    await deployment.loader.measuredConversations(),
  );
}

/** Checks every route answers a full page and records its size and query plan. */
async function describeRoutes(measured: Measured): Promise<Record<string, RouteRecord>> {
  const records: Record<string, RouteRecord> = {};
  for (const route of measured.routes) {
    records[route.name] = {
      path: route.path,
      describes: route.describes,
      responseBytes: await fullPageBytes(measured.deployment, route),
      plan: await explain(measured.deployment.environment.db, route),
    };
  }
  return records;
}

/** Every measured read must answer a full page with a next cursor; returns its size in bytes. */
async function fullPageBytes(deployment: Deployment, route: MeasuredRoute): Promise<number> {
  const response = await fetch(`${deployment.server.url}${route.path}`, {
    headers: deployment.headers,
  });
  const text = await response.text();
  const page = (response.ok ? JSON.parse(text) : {}) as { items?: unknown[]; nextCursor?: string };
  if (!response.ok || page.items?.length !== PAGE_LIMIT || !page.nextCursor) {
    throw new Error(
      `${deployment.name} ${route.name} (${route.path}) answered ${response.status} with ` +
        `${page.items?.length ?? 0} items: ${text.slice(0, 300)}`,
    );
  }
  return Buffer.byteLength(text);
}

const mb = (bytes: number): number => Math.round(bytes / 1_048_576);

/** The encryption comparison on a deployment of its own, loaded to the smallest size. */
async function runEncryptionOnly(step: GrowthStep, runs: number, config: LoadConfig) {
  const deployment = await startDeployment('reference');
  try {
    await loadStep(deployment, step);
    await encryptionPart(deployment, await routesOf(deployment), runs, config);
  } finally {
    await deployment.stop();
  }
}

async function encryptionPart(
  deployment: Deployment,
  routes: MeasuredRoute[],
  runs: number,
  config: LoadConfig,
): Promise<void> {
  const comparison = await compareEncryption(deployment, routes, runs, config);
  const file = writeResults('history-encryption', { config: { runs, ...config }, ...comparison });
  printEncryptionTable(comparison);
  console.log(`Results: ${file}`);
}
