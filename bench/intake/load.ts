import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import type { BenchEnvironment } from '../support/environment';
import { processCpuMs } from '../support/process-cpu';
import { round1 } from '../support/report';
import type { RunningServer } from '@test/support/server-process';
import { buildWebhookPool, type SignedWebhook } from './webhook-pool';

/** Saturation (as many connections as configured, no rate limit) or a fixed overall rate. */
export type Scenario = { kind: 'sustained'; connections: number } | { kind: 'rate'; rate: number };

export interface LoadConfig {
  durationS: number;
  warmupS: number;
  rateConnections: number;
  /** Upper bound of req/s the body pool is sized for in saturation runs. */
  maxRps: number;
  appSecret: string;
}

export interface RunRecord {
  server: string;
  scenario: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  measured2xx: number;
  measuredNon2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Distinct deliveries answered 2xx, warm-up and measured run together. */
  acknowledged: number;
  /** New rows in `inbound_events` during warm-up and measured run. */
  rowsStored: number;
  /** Answered 2xx but absent from `inbound_events` (looked up by external id): must be 0. */
  lost: number;
  /**
   * Stored although the client saw no 2xx: requests in flight when a run stopped, or timed out.
   * Harmless: a redelivery of them is acknowledged as a duplicate.
   */
  storedUnacknowledged: number;
  poolExhausted: boolean;
  /** CPU time the server used per request in the measured run (user + system), in ms. */
  cpuMsPerRequest: number;
}

export const scenarioName = (scenario: Scenario): string =>
  scenario.kind === 'sustained' ? `sustained@${scenario.connections}c` : `rate@${scenario.rate}`;

/**
 * Brings a freshly started server to steady state with a fixed amount of work rather than a
 * fixed time: on a shared machine a few seconds may be a few hundred requests, and the first
 * measured run would then pay for JIT compilation and lazily loaded code. Returns the CPU the
 * server used per second while idle just before, since background timers (queue metrics,
 * outbox polling) count in CPU per request at low rates.
 */
export async function warmUp(
  server: RunningServer,
  requests: number,
  config: LoadConfig,
): Promise<{ idleCpuMsPerS: number }> {
  const idleBefore = processCpuMs(server.pid);
  await new Promise((done) => setTimeout(done, IDLE_SAMPLE_MS));
  const idleCpuMsPerS = round1(((processCpuMs(server.pid) - idleBefore) * 1_000) / IDLE_SAMPLE_MS);
  const feed = new WebhookFeed(buildWebhookPool(requests, config.appSecret));
  await autocannon({
    url: server.url,
    amount: requests,
    connections: config.rateConnections,
    requests: [{ method: 'POST', path: '/webhooks/meta', setupRequest: feed.next }],
  });
  return { idleCpuMsPerS };
}

const IDLE_SAMPLE_MS = 5_000;

/**
 * One measurement: a warm-up whose numbers are discarded, then the measured run, both sending
 * distinct pre-signed deliveries; afterwards the inbox must hold exactly one row per 2xx.
 */
export async function measure(
  server: RunningServer,
  scenario: Scenario,
  config: LoadConfig,
  environment: BenchEnvironment,
): Promise<RunRecord> {
  const rps = scenario.kind === 'rate' ? scenario.rate : config.maxRps;
  const pool = buildWebhookPool(
    Math.ceil(rps * (config.durationS + config.warmupS) * 1.1) + 1_000,
    config.appSecret,
  );
  const feed = new WebhookFeed(pool);
  const rowsBefore = await countInboxRows(environment);

  const run = (duration: number) =>
    autocannon({
      url: server.url,
      duration,
      connections: scenario.kind === 'sustained' ? scenario.connections : config.rateConnections,
      ...(scenario.kind === 'rate' ? { overallRate: scenario.rate } : {}),
      requests: [
        {
          method: 'POST',
          path: '/webhooks/meta',
          setupRequest: feed.next,
          onResponse: feed.onResponse,
        },
      ],
    });
  await run(config.warmupS);
  const cpuBefore = processCpuMs(server.pid);
  const result = await run(config.durationS);
  const cpuMs = processCpuMs(server.pid) - cpuBefore;

  const rowsStored = (await settledCount(environment)) - rowsBefore;
  const acknowledged = feed.acknowledgedBodies();
  const found = await countInboxRowsWithExternalIds(environment, acknowledged.map(sha256Hex));
  return {
    server: server.name,
    scenario: scenarioName(scenario),
    reqPerSec: round1(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    measured2xx: result['2xx'],
    measuredNon2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
    acknowledged: acknowledged.length,
    rowsStored,
    lost: acknowledged.length - found,
    storedUnacknowledged: rowsStored - found,
    poolExhausted: feed.exhausted,
    cpuMsPerRequest: round3(cpuMs / Math.max(1, result.requests.total)),
  };
}

/**
 * Hands out each pre-built delivery once (past the end it repeats the last one and says so)
 * and remembers which ones were answered 2xx. One request per connection is in flight at a
 * time, so the connection's context still names the delivery when its response arrives.
 */
class WebhookFeed {
  private cursor = 0;
  private readonly acknowledged = new Set<number>();
  exhausted = false;

  constructor(private readonly pool: readonly SignedWebhook[]) {}

  acknowledgedBodies(): string[] {
    return [...this.acknowledged].map((index) => this.pool[index].body);
  }

  readonly onResponse = (status: number, _body: string, context: Record<string, unknown>) => {
    if (status >= 200 && status < 300) this.acknowledged.add(context.index as number);
  };

  readonly next = (
    request: autocannon.Request,
    context: Record<string, unknown>,
  ): autocannon.Request => {
    if (this.cursor >= this.pool.length) this.exhausted = true;
    const index = Math.min(this.cursor++, this.pool.length - 1);
    const webhook = this.pool[index];
    context.index = index;
    return {
      ...request,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': webhook.signature,
      },
      body: webhook.body,
    };
  };
}

/** Requests the client gave up on may still commit: count until the number stops moving. */
async function settledCount(environment: BenchEnvironment): Promise<number> {
  let previous = -1;
  let current = await countInboxRows(environment);
  for (let i = 0; i < 20 && current !== previous; i += 1) {
    await new Promise((done) => setTimeout(done, 250));
    previous = current;
    current = await countInboxRows(environment);
  }
  return current;
}

const sha256Hex = (body: string): string => createHash('sha256').update(body).digest('hex');

const round3 = (value: number): number => Math.round(value * 1_000) / 1_000;

async function countInboxRows(environment: BenchEnvironment): Promise<number> {
  const { rows } = await environment.db.query<{ count: string }>(
    'SELECT count(*) AS count FROM inbound_events',
  );
  return Number(rows[0].count);
}

/** How many of these external ids (SHA-256 of Meta bodies) have a row. */
async function countInboxRowsWithExternalIds(
  environment: BenchEnvironment,
  externalIds: string[],
): Promise<number> {
  const { rows } = await environment.db.query<{ count: string }>(
    `SELECT count(*) AS count FROM inbound_events WHERE source = 'meta' AND external_id = ANY($1::text[])`,
    [externalIds],
  );
  return Number(rows[0].count);
}
