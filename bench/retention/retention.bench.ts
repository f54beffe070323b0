// Retention under load (issue 15): "retention deletes 1M old messages in batches while the
// history API keeps answering". Two Omnihubs share one database: the api role serves history
// reads, the worker role runs the maintenance queue. Once the worker's scheduler has done its
// first (empty) retention run, the bench seeds BENCH_RETENTION_MESSAGES (1M) expired messages
// for its tenant, reads conversation histories over HTTP for BENCH_RETENTION_BASELINE_S, then
// adds a `privacy.retention` job to the maintenance queue: the real processor and RetentionTask
// as the hourly schedule runs them. Reads go on throughout and for BENCH_RETENTION_AFTER_S after
// the job completes; pg_stat_activity is sampled for lock waits meanwhile.
//
// Reports the job's own report (messages deleted, batches, slowest batch, duration), history
// p50/p99 before / during / after the purge, lock waits, and the batch query's plan with and
// without messages_tenant_id_idx for the purged tenant and a small one.
// Knobs: BENCH_RETENTION_MESSAGES (1000000), BENCH_RETENTION_CONVERSATIONS (2000),
// BENCH_RETENTION_CONNECTIONS (4), BENCH_RETENTION_BASELINE_S (15), BENCH_RETENTION_AFTER_S (10).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue } from 'bullmq';
import { Client } from 'pg';
import { QueueName } from '@core/queue/queue-names';
import { type RunningServer, startServer } from '@test/support/server-process';
import type { RetentionReport } from '@app/privacy/retention/retention.task';
import { omnihubEntry } from '../support/compiled-app';
import { BENCH_DATABASE_POOL_SIZE, prepareBenchEnvironment } from '../support/environment';
import {
  numberFromEnv,
  percentile,
  printTargets,
  round1,
  round2,
  type Target,
  writeResults,
} from '../support/report';
import { batchPlans } from './batch-plans';
import { HistoryLoad, type Sample } from './history-load';
import { LockSampler } from './lock-sampler';
import { createSmallTenant, seedConversations, seedMessages } from './seed';

const DAY_MS = 86_400_000;
/** MESSAGE_RETENTION_DAYS's default: the seeded history (400 to 730 days old) is all expired. */
const RETENTION_DAYS = 365;
const READ_CONVERSATIONS = 20;
const RECENT_PER_READ = 300;
const SMALL_TENANT_MESSAGES = 1_000;
const PAGE_LIMIT = 50;
const JOB_TIMEOUT_MS = 30 * 60_000;

interface Phase {
  reads: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  readsPerSec: number;
}

export async function runRetentionBenchmark(): Promise<void> {
  const EXPIRED = numberFromEnv('BENCH_RETENTION_MESSAGES', 1_000_000);
  const CONVERSATIONS = numberFromEnv('BENCH_RETENTION_CONVERSATIONS', 2_000);
  const CONNECTIONS = numberFromEnv('BENCH_RETENTION_CONNECTIONS', 4);
  const BASELINE_S = numberFromEnv('BENCH_RETENTION_BASELINE_S', 15);
  const AFTER_S = numberFromEnv('BENCH_RETENTION_AFTER_S', 10);

  const environment = await prepareBenchEnvironment();
  const adminKey = randomBytes(24).toString('hex');
  const app = omnihubEntry();
  const env = {
    DATABASE_URL: environment.databaseUrl,
    REDIS_URL: environment.redisUrl,
    QUEUE_PREFIX: environment.queuePrefix,
    DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ADMIN_API_KEY: adminKey,
    SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    THROTTLE_LIMIT: '1000000000',
    MESSAGE_RETENTION_DAYS: String(RETENTION_DAYS),
    ...app.env,
  };
  const servers: RunningServer[] = [];
  const client = new Client({
    connectionString: environment.databaseUrl,
    application_name: 'bench-retention',
  });
  const sampling = new Client({
    connectionString: environment.databaseUrl,
    application_name: 'bench-retention-locks',
  });
  const locks = new LockSampler(sampling);
  const queue = new Queue(QueueName.Maintenance, {
    connection: { url: environment.redisUrl },
    prefix: environment.queuePrefix,
  });
  try {
    const api = await startServer('retention-api', app.entry, { ...env, APP_ROLE: 'api' });
    servers.push(api);
    servers.push(await startServer('retention-worker', app.entry, { ...env, APP_ROLE: 'worker' }));
    // The scheduler's first run starts with the worker; seeding waits until it is over.
    await finished(queue, (job) => job.name === 'privacy.retention');
    const tenant = await createTenant(api, adminKey);
    await client.connect();
    await sampling.connect();
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '512MB'`);

    console.log(`seeding ${EXPIRED} expired messages over ${CONVERSATIONS} conversations...`);
    const seedStarted = Date.now();
    const purged = await seedConversations(client, tenant.id, CONVERSATIONS, 'purged');
    const read = purged.conversationIds.slice(0, READ_CONVERSATIONS);
    await seedMessages(client, purged, purged.conversationIds, EXPIRED, 730, 400);
    await seedMessages(client, purged, read, READ_CONVERSATIONS * RECENT_PER_READ, 30, 0);
    const small = await seedConversations(client, await createSmallTenant(client), 10, 'small');
    await seedMessages(client, small, small.conversationIds, SMALL_TENANT_MESSAGES, 100, 0);
    await client.query(`VACUUM (ANALYZE) messages, conversations, contacts, contact_identities`);
    await client.query('CHECKPOINT');
    const seedS = round1((Date.now() - seedStarted) / 1000);
    const messagesBytes = await tableBytes(client);
    console.log(
      `seeded in ${seedS} s (messages + indexes ${Math.round(messagesBytes / 1_048_576)} MB)`,
    );

    const cutoff = new Date(Date.now() - RETENTION_DAYS * DAY_MS);
    const plans = await batchPlans(client, { purged: purged.id, small: small.id }, cutoff, 500);
    const counts = () => countMessages(client, { purged: purged.id, small: small.id }, cutoff);
    const before = await counts();

    const paths = read.map((id) => `/api/v2/conversations/${id}/messages?limit=${PAGE_LIMIT}`);
    await checkReads(api, tenant.headers, paths[0]);
    const load = new HistoryLoad(api.url, tenant.headers, paths);
    const loadAverage = [round2(loadavg()[0])];
    load.start(CONNECTIONS);
    locks.start();
    await sleep(BASELINE_S * 1000);

    console.log('adding a privacy.retention job to the maintenance queue...');
    const requested = Date.now();
    const added = await queue.add('privacy.retention', {}, { attempts: 1 });
    const job = await finished(queue, (candidate) => candidate.id === added.id);
    console.log(
      `retention job ${job.failedReason ? 'failed' : 'completed'}; reading on for ${AFTER_S} s...`,
    );
    await sleep(AFTER_S * 1000);
    await load.stop();
    const lockWaits = locks.stop();
    loadAverage.push(round2(loadavg()[0]));
    if (job.failedReason) throw new Error(`privacy.retention failed: ${job.failedReason}`);
    const report = job.returnvalue;
    const after = await counts();

    const phases = {
      before: phase(load.samples, (s) => s.at < requested, BASELINE_S),
      during: phase(load.samples, (s) => s.at >= job.processedOn && s.at <= job.finishedOn),
      after: phase(load.samples, (s) => s.at > job.finishedOn, AFTER_S),
    };
    const purgeS = round1((job.finishedOn - job.processedOn) / 1000);
    const targets: Target[] = [
      {
        target: `every expired message deleted in one run (${EXPIRED})`,
        measured: `${before.purgedExpired - after.purgedExpired} deleted, ${after.purgedExpired} left, ${report.tenantsWithBacklog} tenants with backlog`,
        met: after.purgedExpired === 0 && before.purgedExpired >= EXPIRED,
      },
      {
        target: 'newer messages and the other tenant untouched',
        measured: `purged tenant recent ${before.purgedRecent} → ${after.purgedRecent}, small tenant ${before.small} → ${after.small}`,
        met: after.purgedRecent === before.purgedRecent && after.small === before.small,
      },
      {
        target: 'the history API answered every read during the purge',
        measured: `${phases.during.reads} reads, ${phases.during.failed} failed`,
        met: phases.during.reads > 0 && phases.during.failed === 0,
      },
      {
        target: 'history p99 during the purge within 2x of before',
        measured: `${phases.during.p99Ms} ms vs ${phases.before.p99Ms} ms`,
        met: phases.during.p99Ms <= 2 * phases.before.p99Ms,
      },
      {
        target: 'no batch holds its locks for more than 1 s',
        measured: `slowest batch ${report.slowestMessageBatchMs} ms of ${report.messageBatches}; longest lock wait seen ${lockWaits.longestWaitMs} ms`,
        met: report.slowestMessageBatchMs <= 1_000 && lockWaits.longestWaitMs <= 1_000,
      },
    ];
    const file = writeResults('retention', {
      config: {
        expiredMessages: EXPIRED,
        conversations: CONVERSATIONS,
        readConversations: READ_CONVERSATIONS,
        recentPerReadConversation: RECENT_PER_READ,
        smallTenantMessages: SMALL_TENANT_MESSAGES,
        connections: CONNECTIONS,
        baselineS: BASELINE_S,
        afterS: AFTER_S,
        pageLimit: PAGE_LIMIT,
        batchSize: 500,
      },
      seed: { seconds: seedS, messagesTableAndIndexBytes: messagesBytes },
      job: {
        report,
        purgeS,
        deletedPerSec: Math.round(report.messagesDeleted / Math.max(purgeS, 0.001)),
        meanBatchMs: round2(
          (job.finishedOn - job.processedOn) / Math.max(report.messageBatches, 1),
        ),
      },
      counts: { before, after },
      history: phases,
      lockWaits,
      batchPlans: plans,
      loadAverage,
      targets,
    });
    console.table({ ...phases });
    console.log(
      `purge: ${report.messagesDeleted} messages in ${report.messageBatches} batches, ${purgeS} s ` +
        `(slowest batch ${report.slowestMessageBatchMs} ms); lock waits seen: ` +
        `${lockWaits.waitingStatements}, longest ${lockWaits.longestWaitMs} ms`,
    );
    for (const plan of plans) {
      console.log(
        `${plan.tenant} tenant batch: ${plan.withTenantIndex.executionMs} ms / ${plan.withTenantIndex.buffers} buffers ` +
          `with messages_tenant_id_idx, ${plan.withoutTenantIndex.executionMs} ms / ` +
          `${plan.withoutTenantIndex.buffers} buffers without (${plan.withoutTenantIndex.access})`,
      );
    }
    printTargets(targets);
    console.log(`Results: ${file}`);
  } catch (error) {
    console.error(error);
    throw error;
  } finally {
    locks.stop();
    await queue.close();
    await client.end().catch(() => undefined);
    await sampling.end().catch(() => undefined);
    for (const server of servers.reverse()) await server.stop();
    await environment.dispose();
  }
}

function phase(
  samples: readonly Sample[],
  within: (sample: Sample) => boolean,
  seconds?: number,
): Phase {
  const picked = samples.filter(within);
  const ms = picked.filter((sample) => sample.ok).map((sample) => sample.ms);
  const span =
    seconds ?? (picked.length ? (picked[picked.length - 1].at - picked[0].at) / 1000 : 0);
  return {
    reads: picked.length,
    failed: picked.length - ms.length,
    p50Ms: round2(percentile(ms, 50)),
    p99Ms: round2(percentile(ms, 99)),
    maxMs: round2(ms.reduce((max, value) => Math.max(max, value), 0)),
    readsPerSec: round1(picked.length / Math.max(span, 0.001)),
  };
}

interface FinishedJob {
  processedOn: number;
  finishedOn: number;
  failedReason?: string;
  returnvalue: RetentionReport;
}

/** Waits for the first finished maintenance job that `matches`. */
async function finished(queue: Queue, matches: (job: Job) => boolean): Promise<FinishedJob> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const jobs = await queue.getJobs(['completed', 'failed'], 0, 200);
    const job = jobs.find(matches);
    if (job?.finishedOn && job.processedOn) {
      return {
        processedOn: job.processedOn,
        finishedOn: job.finishedOn,
        failedReason: job.failedReason || undefined,
        returnvalue: job.returnvalue as RetentionReport,
      };
    }
    await sleep(200);
  }
  throw new Error(`privacy.retention did not finish within ${JOB_TIMEOUT_MS / 60_000} minutes`);
}

async function countMessages(
  client: Client,
  tenants: { purged: string; small: string },
  cutoff: Date,
): Promise<{ purgedExpired: number; purgedRecent: number; small: number }> {
  const { rows } = await client.query<Record<string, string>>(
    `SELECT count(*) FILTER (WHERE tenant_id = $1 AND created_at < $3) AS purged_expired,
            count(*) FILTER (WHERE tenant_id = $1 AND created_at >= $3) AS purged_recent,
            count(*) FILTER (WHERE tenant_id = $2) AS small
       FROM messages`,
    [tenants.purged, tenants.small, cutoff],
  );
  return {
    purgedExpired: Number(rows[0].purged_expired),
    purgedRecent: Number(rows[0].purged_recent),
    small: Number(rows[0].small),
  };
}

async function tableBytes(client: Client): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    `SELECT pg_total_relation_size('messages') AS bytes`,
  );
  return Number(rows[0].bytes);
}

async function checkReads(server: RunningServer, headers: Record<string, string>, path: string) {
  const response = await fetch(`${server.url}${path}`, { headers });
  const body = (await response.json()) as { items?: unknown[] };
  if (!response.ok || body.items?.length !== PAGE_LIMIT) {
    throw new Error(`history read answered ${response.status} with ${body.items?.length} items`);
  }
}

async function createTenant(
  server: RunningServer,
  adminKey: string,
): Promise<{ id: string; headers: Record<string, string> }> {
  const response = await fetch(`${server.url}/api/v2/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Retention bench' }),
  });
  if (response.status !== 201) {
    throw new Error(`tenant creation answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { tenant: { id: string }; apiKey: { key: string } };
  return { id: body.tenant.id, headers: { authorization: `Bearer ${body.apiKey.key}` } };
}
