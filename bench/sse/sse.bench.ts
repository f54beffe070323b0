// Live event fan-out (issue 17): one api process (APP_ROLE=api) with 1,000 SSE clients of one
// tenant connected; events are appended to the tenant's Redis stream as the worker-side
// publisher does, at a ladder of rates, and every client's arrival time is compared with the
// time the event was appended (same machine clock). Measures the fan-out (Redis stream ->
// pod reader -> 1,000 sockets), not the messaging event stream's PostgreSQL polling before it.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AppConfig } from '@config/app-config';
import { newId } from '@core/database/ids';
import type { LiveEvent } from '@app/live-events/live-event';
import { TenantEventLog } from '@app/live-events/tenant-event-log';
import { SseTestClient } from '@test/support/sse-test-client';
import type { RunningServer } from '@test/support/server-process';
import { startHub } from '../outbound/hub-fixture';
import { BENCH_DATABASE_POOL_SIZE, prepareBenchEnvironment } from '../support/environment';
import {
  numberFromEnv,
  percentile,
  printTargets,
  round1,
  Target,
  writeResults,
} from '../support/report';

/** Latencies are kept for every SAMPLE_EVERY-th client (all clients are counted). */
const SAMPLE_EVERY = 10;
const P99_TARGET_MS = 1_000;

interface Phase {
  ratePerSecond: number;
  events: number;
  seconds: number;
  deliveredPerSecond: number;
  clientsWithEveryEvent: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

export async function runSseBenchmark(): Promise<void> {
  const CLIENTS = numberFromEnv('BENCH_SSE_CLIENTS', 1_000);
  const PHASE_S = numberFromEnv('BENCH_SSE_PHASE_S', 10);
  const RATES = (process.env.BENCH_SSE_RATES ?? '20,100,250').split(',').map(Number);

  const environment = await prepareBenchEnvironment();
  const adminKey = randomBytes(24).toString('hex');
  let api: RunningServer | undefined;
  const redis = new Redis(environment.redisUrl);
  const clients: SseTestClient[] = [];
  try {
    api = await startHub('sse-api', {
      APP_ROLE: 'api',
      DATABASE_URL: environment.databaseUrl,
      DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
      REDIS_URL: environment.redisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ADMIN_API_KEY: adminKey,
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      THROTTLE_LIMIT: '100000000',
      LIVE_EVENTS_MAX_CONNECTIONS_PER_TENANT: String(CLIENTS),
    });
    const created = await fetch(`${api.url}/api/v2/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'SSE bench' }),
    });
    const { tenant, apiKey } = (await created.json()) as {
      tenant: { id: string };
      apiKey: { key: string };
    };

    // arrival bookkeeping per client: events of the phase counted, latencies of sampled
    // clients. Each event carries its phase and send time, because a client may see an event
    // before the bench has the append's answer.
    let phaseTag = '';
    let counts = new Uint32Array(CLIENTS);
    let latencies: number[] = [];
    for (let i = 0; i < CLIENTS; i += 1) {
      const sampled = i % SAMPLE_EVERY === 0;
      const client = await SseTestClient.open(
        `${api.url}/api/v2/events/stream`,
        { authorization: `Bearer ${apiKey.key}` },
        (message) => {
          const arrivedAt = Date.now();
          const { eventId, occurredAt } = JSON.parse(message.data) as LiveEvent;
          if (!eventId.startsWith(phaseTag)) return;
          counts[i] += 1;
          if (sampled) latencies.push(arrivedAt - Date.parse(occurredAt));
        },
      );
      if (client.status !== 200) throw new Error(`stream ${i} answered ${client.status}`);
      clients.push(client);
    }
    console.log(`${CLIENTS} SSE clients connected to ${api.url}`);

    const log = new TenantEventLog(redis, {
      redis: { prefix: environment.queuePrefix },
      liveEvents: { retentionMs: 3_600_000 },
    } as AppConfig);
    const phases: Phase[] = [];
    for (const [index, rate] of RATES.entries()) {
      phaseTag = `p${index}:`;
      counts = new Uint32Array(CLIENTS);
      latencies = [];
      const total = Math.round(rate * PHASE_S);
      const started = Date.now();
      for (let n = 0; n < total; n += 1) {
        const due = started + (n * 1000) / rate;
        if (due > Date.now()) await new Promise((done) => setTimeout(done, due - Date.now()));
        await log.append(tenant.id, {
          eventId: `${phaseTag}${newId()}`,
          type: 'message.status_changed',
          occurredAt: new Date().toISOString(),
          conversationId: newId(),
          messageId: newId(),
          channelAccountId: newId(),
          status: 'delivered',
        });
      }
      const deadline = Date.now() + 30_000;
      while (counts.some((c) => c < total) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 50));
      }
      const seconds = (Date.now() - started) / 1000;
      const delivered = counts.reduce((sum, c) => sum + c, 0);
      const phase: Phase = {
        ratePerSecond: rate,
        events: total,
        seconds: round1(seconds),
        deliveredPerSecond: Math.round(delivered / seconds),
        clientsWithEveryEvent: counts.filter((c) => c === total).length,
        latencyMs: {
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: percentile(latencies, 100),
        },
      };
      phases.push(phase);
      console.log(
        `  ${rate} events/s x ${CLIENTS} clients: ${phase.deliveredPerSecond} deliveries/s, ` +
          `p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms, max ${phase.latencyMs.max} ms, ` +
          `${phase.clientsWithEveryEvent}/${CLIENTS} clients got every event`,
      );
    }

    const targets: Target[] = phases.map((phase) => ({
      target: `${phase.ratePerSecond} events/s to ${CLIENTS} clients: all delivered, p99 < ${P99_TARGET_MS} ms`,
      measured: `p99 ${phase.latencyMs.p99} ms, ${phase.clientsWithEveryEvent}/${CLIENTS} complete`,
      met: phase.latencyMs.p99 < P99_TARGET_MS && phase.clientsWithEveryEvent === CLIENTS,
    }));
    const file = writeResults('sse', {
      config: { clients: CLIENTS, phaseSeconds: PHASE_S, rates: RATES, sampleEvery: SAMPLE_EVERY },
      phases,
      targets,
    });
    printTargets(targets);
    console.log(`Results: ${file}`);
  } finally {
    for (const client of clients) client.close();
    await api?.stop();
    redis.disconnect();
    await environment.dispose();
  }
}
