// Tenant webhook deliveries (issue 17): the production app in this process (APP_ROLE=all, so
// the event stream, the fan-out subscriber and the webhooks-out worker all run) delivering to
// a local HTTPS receiver that verifies every signature. Each tenant has one subscription;
// inbound messages are stored through messaging's repository, which records
// `message.received` in the same statement, at a ladder of offered rates and then as one
// burst. Measures stored -> signed POST at the receiver: deliveries per second and p50/p99.
// The load, the app and the receiver share this process's event loop: the figures are a
// floor for a pod that only runs workers.
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { WebhookReceiverFake } from '@test/fakes/webhook-receiver/webhook-receiver';
import { createWebhooksTestApp } from '@test/integration/tenant-webhooks/tenant-webhooks-harness';
import { BASE_TEST_ENV } from '@test/support/test-env';
import { createTenant } from '@test/support/test-app';
import { prepareBenchEnvironment } from '../support/environment';
import {
  numberFromEnv,
  percentile,
  printTargets,
  round1,
  Target,
  writeResults,
} from '../support/report';

const P99_TARGET_MS = 1_000;
const DRAIN_TIMEOUT_MS = 120_000;
/** The burst is stored as fast as the pool allows, not all at once (the pool would time out). */
const BURST_IN_FLIGHT = 16;

interface Lane {
  tenantId: string;
  path: string;
  accountId: string;
  conversationIds: string[];
}

interface Phase {
  name: string;
  offeredPerSecond: number | 'burst';
  events: number;
  seconds: number;
  deliveredPerSecond: number;
  unverified: number;
  missing: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Event recorded -> delivery row stored by the fan-out subscriber (the event stream's part). */
  fanOutLagMs: { p50: number; p99: number };
}

export async function runWebhooksBenchmark(): Promise<void> {
  const SUBSCRIPTIONS = numberFromEnv('BENCH_WEBHOOKS_SUBSCRIPTIONS', 4);
  const CONVERSATIONS = numberFromEnv('BENCH_WEBHOOKS_CONVERSATIONS', 10);
  const PHASE_S = numberFromEnv('BENCH_WEBHOOKS_PHASE_S', 10);
  const BURST = numberFromEnv('BENCH_WEBHOOKS_BURST', 2_000);
  const RATES = (process.env.BENCH_WEBHOOKS_RATES ?? '50,200').split(',').map(Number);

  const environment = await prepareBenchEnvironment();
  const receiver = await WebhookReceiverFake.start();
  let app: NestFastifyApplication | undefined;
  try {
    ({ app } = await createWebhooksTestApp({
      ...BASE_TEST_ENV,
      APP_ROLE: 'all',
      DATABASE_URL: environment.databaseUrl,
      REDIS_URL: environment.redisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      THROTTLE_LIMIT: '100000000',
      OUTBOUND_URL_ALLOWLIST: 'receiver.test',
      LOG_LEVEL: 'warn',
    }));
    const lanes = await prepareLanes(app, receiver, SUBSCRIPTIONS, CONVERSATIONS);
    console.log(
      `${SUBSCRIPTIONS} subscriptions x ${CONVERSATIONS} conversations, receiver on ${receiver.port}`,
    );

    const messages = app.get(MessagesRepository);
    const storedAt = new Map<string, number>();
    const store = async (n: number) => {
      const lane = lanes[n % lanes.length];
      const id = newId();
      storedAt.set(id, Date.now());
      await messages.insertInbound({
        id,
        tenantId: lane.tenantId,
        conversationId: lane.conversationIds[n % lane.conversationIds.length],
        channelAccountId: lane.accountId,
        provider: 'webhooks-bench',
        providerMessageId: `bench.${id}`,
        type: 'text',
        content: { text: 'bench' },
        platformTimestamp: new Date(),
      });
      return id;
    };

    const phases: Phase[] = [];
    const runPhase = async (name: string, offered: number | 'burst', ids: Promise<string[]>) => {
      const started = Date.now();
      const sent = new Set(await ids);
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      const arrivals = () => receiver.received.filter((r) => sent.has(r.body.data?.messageId));
      while (new Set(arrivals().map((r) => r.body.data.messageId)).size < sent.size) {
        if (Date.now() > deadline) break;
        await new Promise((done) => setTimeout(done, 50));
      }
      const arrived = arrivals();
      const firstArrival = new Map<string, number>();
      for (const r of arrived) {
        if (!firstArrival.has(r.body.data.messageId)) firstArrival.set(r.body.data.messageId, r.at);
      }
      const latencies = [...firstArrival].map(([id, at]) => at - storedAt.get(id)!);
      const seconds = (Math.max(...firstArrival.values()) - started) / 1000;
      const [fanOut] = (
        await environment.db.query<{ p50: number; p99: number }>(
          `SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY lag))::int AS p50,
                  round(percentile_disc(0.99) WITHIN GROUP (ORDER BY lag))::int AS p99
             FROM (SELECT extract(epoch FROM created_at - occurred_at) * 1000 AS lag
                     FROM tenant_webhook_deliveries WHERE payload->>'messageId' = ANY($1)) lags`,
          [[...sent]],
        )
      ).rows;
      const phase: Phase = {
        name,
        offeredPerSecond: offered,
        events: sent.size,
        seconds: round1(seconds),
        deliveredPerSecond: Math.round(firstArrival.size / seconds),
        unverified: arrived.filter((r) => !r.verified).length,
        missing: sent.size - firstArrival.size,
        latencyMs: {
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: percentile(latencies, 100),
        },
        fanOutLagMs: fanOut,
      };
      phases.push(phase);
      console.log(
        `  ${name}: ${phase.events} events, ${phase.deliveredPerSecond} deliveries/s, ` +
          `p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms, max ${phase.latencyMs.max} ms, ` +
          `${phase.missing} missing, ${phase.unverified} unverified; ` +
          `fan-out lag p50 ${phase.fanOutLagMs.p50} ms, p99 ${phase.fanOutLagMs.p99} ms`,
      );
    };

    for (const rate of RATES) {
      await runPhase(`${rate} events/s`, rate, paced(rate, Math.round(rate * PHASE_S), store));
    }
    await runPhase(`burst of ${BURST}`, 'burst', burst(BURST, BURST_IN_FLIGHT, store));

    const targets: Target[] = phases.map((phase) => ({
      target:
        phase.offeredPerSecond === 'burst'
          ? `${phase.name}: every event delivered once, signed`
          : `${phase.name}: every event delivered, signed, p99 < ${P99_TARGET_MS} ms`,
      measured: `${phase.deliveredPerSecond}/s, p99 ${phase.latencyMs.p99} ms, ${phase.missing} missing`,
      met:
        phase.missing === 0 &&
        phase.unverified === 0 &&
        (phase.offeredPerSecond === 'burst' || phase.latencyMs.p99 < P99_TARGET_MS),
    }));
    const file = writeResults('webhooks', {
      config: {
        subscriptions: SUBSCRIPTIONS,
        conversationsPerSubscription: CONVERSATIONS,
        phaseSeconds: PHASE_S,
        rates: RATES,
        burst: BURST,
      },
      phases,
      targets,
    });
    printTargets(targets);
    console.log(`Results: ${file}`);
  } finally {
    await app?.close();
    await receiver.close();
    await environment.dispose();
  }
}

/** One tenant per lane, each with a subscription at its own receiver path. */
async function prepareLanes(
  app: NestFastifyApplication,
  receiver: WebhookReceiverFake,
  subscriptions: number,
  conversations: number,
): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (let s = 0; s < subscriptions; s += 1) {
    const tenant = await createTenant(app, `Webhooks bench ${s}`);
    const path = `/lane-${s}`;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: tenant.headers,
      payload: { url: receiver.url(path), eventTypes: ['message.received'] },
    });
    if (created.statusCode !== 201) throw new Error(`subscription: ${created.body}`);
    receiver.script(path, created.json<{ secret: string }>().secret, [200]);

    const accountId = newId();
    await app.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'whatsapp', 'webhooks-bench', $3, $3, 'unused')`,
      [accountId, tenant.id, `bench-${accountId}`],
    );
    const conversationIds: string[] = [];
    for (let c = 0; c < conversations; c += 1) {
      const contactId = await app
        .get(ContactsService)
        .resolve(tenant.id, [{ type: 'wa_id', value: `5511${s}${String(c).padStart(8, '0')}` }]);
      conversationIds.push(
        await app
          .get(ConversationsService)
          .touch(tenant.id, accountId, contactId, new Date(), 'inbound'),
      );
    }
    lanes.push({ tenantId: tenant.id, path, accountId, conversationIds });
  }
  return lanes;
}

/** Calls `store` `total` times, spread evenly at `rate` per second. */
async function paced(
  rate: number,
  total: number,
  store: (n: number) => Promise<string>,
): Promise<string[]> {
  const started = Date.now();
  const ids: Promise<string>[] = [];
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await new Promise((done) => setTimeout(done, due - Date.now()));
    ids.push(store(n));
  }
  return Promise.all(ids);
}

/** Calls `store` `total` times as fast as `inFlight` concurrent calls allow. */
async function burst(
  total: number,
  inFlight: number,
  store: (n: number) => Promise<string>,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total) ids.push(await store(next++));
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return ids;
}
