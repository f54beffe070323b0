// Inbound processing (issue 18): from a webhook stored in the inbox to its message in the
// history (the row the history API reads), on one worker process (APP_ROLE=worker) beside an
// api process, both compiled as production runs them, against the Graph fake as Meta.
//
// Two phases. Backlog: the `inbound` queue is paused, BENCH_INBOUND_MESSAGES signed customer
// messages are delivered (each answered 200 = stored), then the queue is resumed and the worker
// drains it: messages/s, worker CPU ms per message and PostgreSQL commits per message (the
// database's xact_commit, less the bench's own queries). Steady: BENCH_INBOUND_RATE messages/s
// for BENCH_INBOUND_RATE_S seconds, with the latency of each from the inbox row's received_at
// to the message row's created_at (both PostgreSQL clocks): p50/p99.
import { Queue } from 'bullmq';
import { createHash, randomInt } from 'node:crypto';
import type { Pool } from 'pg';
import {
  metaMessages,
  metaMessagesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import type { RunningServer } from '@test/support/server-process';
import { startBenchGraph } from '../outbound/bench-graph';
import {
  type BenchAccount,
  call,
  connectAccounts,
  hubEnv,
  inBatches,
  newHubSecrets,
  startHub,
} from '../outbound/hub-fixture';
import { prepareBenchEnvironment } from '../support/environment';
import { processCpuMs } from '../support/process-cpu';
import {
  numberFromEnv,
  percentile,
  printTargets,
  round1,
  round2,
  writeResults,
} from '../support/report';

const TEXT = 'Can I move my appointment to Thursday afternoon? Anything after 3 pm works.';

interface Delivery {
  wamid: string;
  /** The inbox identifies a Meta delivery by the SHA-256 of its body. */
  externalId: string;
  body: string;
}

export async function runInboundBenchmark(): Promise<void> {
  const MESSAGES = numberFromEnv('BENCH_INBOUND_MESSAGES', 2_000);
  const RATE = numberFromEnv('BENCH_INBOUND_RATE', 50);
  const RATE_S = numberFromEnv('BENCH_INBOUND_RATE_S', 10);
  const environment = await prepareBenchEnvironment();
  const graph = await startBenchGraph(2);
  const secrets = newHubSecrets();
  const servers: RunningServer[] = [];
  const queue = new Queue('inbound', {
    connection: { url: environment.redisUrl },
    prefix: environment.queuePrefix,
  });
  try {
    for (const role of ['worker', 'api']) {
      servers.push(
        await startHub(`inbound-${role}`, hubEnv(environment, graph, secrets, { APP_ROLE: role })),
      );
    }
    const [worker, api] = servers;
    const accounts = await connectAccounts(api.url, secrets, graph.accounts, {
      accountsPerTenant: 2,
      customersPerAccount: 50,
    });
    const deliver = (delivery: Delivery) =>
      call(api.url, 'POST', '/webhooks/meta', {
        headers: { 'x-hub-signature-256': signMetaWebhook(delivery.body, secrets.appSecret) },
        raw: delivery.body,
      });

    // Warm-up: the worker's first messages pay for JIT and lazily opened accounts.
    const warmup = Array.from({ length: 300 }, () => newDelivery(accounts));
    await inBatches(warmup, 20, deliver);
    await waitForMessages(environment.db, warmup, 120_000);

    // Backlog.
    await queue.pause();
    const backlog = Array.from({ length: MESSAGES }, () => newDelivery(accounts));
    await inBatches(backlog, 20, deliver);
    const commits = new CommitCounter(environment.db);
    await commits.start();
    const cpuBefore = processCpuMs(worker.pid);
    const startedAt = performance.now();
    await queue.resume();
    const polls = await waitForMessages(environment.db, backlog, 600_000);
    const elapsedS = (performance.now() - startedAt) / 1_000;
    const workerCpuMs = processCpuMs(worker.pid) - cpuBefore;
    // Subscribers of message.received (live events, tenant webhooks...) finish after the row
    // shows: their commits are part of processing, so let them settle before counting.
    const idlePolls = await waitForIdleInbox(environment.db, backlog);
    const committed = await commits.stop(polls + idlePolls);
    const drain = {
      messages: MESSAGES,
      messagesPerSecond: round1(MESSAGES / elapsedS),
      workerCpuMsPerMessage: round2(workerCpuMs / MESSAGES),
      commitsPerMessage: round2(committed / MESSAGES),
    };
    console.log(
      `backlog of ${MESSAGES}: ${drain.messagesPerSecond} messages/s on one worker, ` +
        `${drain.workerCpuMsPerMessage} worker CPU ms/message, ${drain.commitsPerMessage} commits/message`,
    );

    // Steady rate.
    const steady: Delivery[] = [];
    const interval = 1_000 / RATE;
    const sends: Promise<unknown>[] = [];
    const until = performance.now() + RATE_S * 1_000;
    for (let next = performance.now(); next < until; next += interval) {
      await new Promise((done) => setTimeout(done, Math.max(0, next - performance.now())));
      const delivery = newDelivery(accounts);
      steady.push(delivery);
      sends.push(deliver(delivery));
    }
    await Promise.all(sends);
    await waitForMessages(environment.db, steady, 120_000);
    const latencies = await storedToMessageMs(environment.db, steady);
    const rate = {
      offeredPerSecond: RATE,
      seconds: RATE_S,
      messages: steady.length,
      p50Ms: round1(percentile(latencies, 50)),
      p99Ms: round1(percentile(latencies, 99)),
      maxMs: round1(Math.max(...latencies)),
    };
    console.log(
      `steady ${RATE}/s for ${RATE_S} s: stored -> in history p50 ${rate.p50Ms} ms, ` +
        `p99 ${rate.p99Ms} ms, max ${rate.maxMs} ms`,
    );
    // The history API shows them: one conversation page of a tenant that just received some.
    const shown = await call<{ items: unknown[] }>(
      api.url,
      'GET',
      '/api/v2/conversations?limit=5',
      {
        headers: accounts[0].headers,
      },
    );
    if (!shown.items.length) throw new Error('the history API shows no conversation');

    const targets = [
      {
        target: 'p99 webhook stored -> message in history < 1 s at the steady rate (reported)',
        measured: `p99 ${rate.p99Ms} ms at ${RATE}/s`,
        met: rate.p99Ms < 1_000,
      },
    ];
    const file = writeResults('inbound', {
      config: { MESSAGES, RATE, RATE_S },
      drain,
      rate,
      targets,
    });
    console.table([
      { ...drain, ...Object.fromEntries(Object.entries(rate).map(([k, v]) => [`steady ${k}`, v])) },
    ]);
    printTargets(targets);
    console.log(`Results: ${file}`);
  } finally {
    await queue.close();
    for (const server of servers.reverse()) await server.stop();
    await graph.close();
    await environment.dispose();
  }
}

function newDelivery(accounts: readonly BenchAccount[]): Delivery {
  const account = accounts[randomInt(accounts.length)];
  const customer = account.customers[randomInt(account.customers.length)];
  const wamid = newWamid();
  const body = JSON.stringify(
    metaMessagesWebhook(
      { phoneNumberId: account.phoneNumberId },
      { waId: customer, name: 'Bench Customer' },
      metaMessages.text({ from: customer, id: wamid }, TEXT),
    ),
  );
  return { wamid, externalId: createHash('sha256').update(body).digest('hex'), body };
}

/** Polls until every delivery's message row exists; returns how many queries it made. */
async function waitForMessages(
  db: Pool,
  deliveries: readonly Delivery[],
  timeoutMs: number,
): Promise<number> {
  const wamids = deliveries.map((delivery) => delivery.wamid);
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls += 1) {
    const { rows } = await db.query<{ count: string }>(
      'SELECT count(*) AS count FROM messages WHERE provider_message_id = ANY($1::text[])',
      [wamids],
    );
    if (Number(rows[0].count) >= wamids.length) return polls;
    if (Date.now() > deadline) {
      throw new Error(`only ${rows[0].count} of ${wamids.length} messages within ${timeoutMs} ms`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Waits until the deliveries' inbox rows are all marked processed; returns its query count. */
async function waitForIdleInbox(db: Pool, deliveries: readonly Delivery[]): Promise<number> {
  const ids = deliveries.map((delivery) => delivery.externalId);
  let polls = 0;
  for (let i = 0; i < 600; i += 1) {
    polls += 1;
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) AS count FROM inbound_events
        WHERE source = 'meta' AND external_id = ANY($1::text[]) AND processed_at IS NULL`,
      [ids],
    );
    if (Number(rows[0].count) === 0) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  // The event relay delivers message.received to subscribers after the row commits.
  await new Promise((done) => setTimeout(done, 3_000));
  return polls;
}

async function storedToMessageMs(db: Pool, deliveries: readonly Delivery[]): Promise<number[]> {
  const received = await db.query<{ external_id: string; at: string }>(
    `SELECT external_id, extract(epoch FROM received_at) * 1000 AS at FROM inbound_events
      WHERE source = 'meta' AND external_id = ANY($1::text[])`,
    [deliveries.map((delivery) => delivery.externalId)],
  );
  const created = await db.query<{ provider_message_id: string; at: string }>(
    `SELECT provider_message_id, extract(epoch FROM created_at) * 1000 AS at FROM messages
      WHERE provider_message_id = ANY($1::text[])`,
    [deliveries.map((delivery) => delivery.wamid)],
  );
  const storedAt = new Map(received.rows.map((row) => [row.external_id, Number(row.at)]));
  const shownAt = new Map(created.rows.map((row) => [row.provider_message_id, Number(row.at)]));
  return deliveries.map(
    (delivery) => shownAt.get(delivery.wamid)! - storedAt.get(delivery.externalId)!,
  );
}

/**
 * Transactions committed in the bench database (pg_stat_database.xact_commit), by every
 * process: the worker, the api's background timers and this bench's own queries, which the
 * caller subtracts. PostgreSQL publishes the counters about once a second, hence the waits.
 */
class CommitCounter {
  private before = 0;

  constructor(private readonly db: Pool) {}

  async start(): Promise<void> {
    await new Promise((done) => setTimeout(done, 1_500));
    this.before = await this.read();
  }

  /** Commits since start, less `ownQueries` the bench ran in between (and its two reads). */
  async stop(ownQueries: number): Promise<number> {
    await new Promise((done) => setTimeout(done, 1_500));
    return (await this.read()) - this.before - ownQueries - 1;
  }

  private async read(): Promise<number> {
    const { rows } = await this.db.query<{ commits: string }>(
      `SELECT pg_stat_clear_snapshot(), (SELECT xact_commit FROM pg_stat_database
         WHERE datname = current_database()) AS commits`,
    );
    return Number(rows[0].commits);
  }
}
