// Bitrix24 mirror (issue 14): the production app in this process (APP_ROLE=all: the event
// stream, the mirror subscriber and the bitrix worker all run) mirroring customers' messages
// to a local Bitrix24 fake with its leaky-bucket limit (2 requests/s, burst 50, 503 past it).
// Ten portals, each fed by its own WhatsApp account on one open line; customer messages are
// stored through messaging's repository (which records `message.received` in the same
// statement) at each offered rate, spread over the portals. Measures stored -> the message
// taken by imconnector.send.messages at the fake: p50/p99, messages per REST request and the
// 503s the fake answered. The load, the app and the fake share this process's event loop.
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { Bitrix24Fake } from '@test/fakes/bitrix/bitrix24-fake';
import { installEvent } from '@test/fakes/bitrix/events';
import { BITRIX_APP } from '@test/support/bitrix-scenario';
import { BASE_TEST_ENV } from '@test/support/test-env';
import { createTenant, createTestApp } from '@test/support/test-app';
import { prepareBenchEnvironment } from '../support/environment';
import { numberFromEnv, percentile, printTargets, Target, writeResults } from '../support/report';

const LINE = '1';
const DRAIN_TIMEOUT_MS = 180_000;
/** A portal's messages go in one batch per second: a message waits at most about that long. */
const P99_TARGET_MS = 3_000;

interface Lane {
  portal: string;
  tenantId: string;
  accountId: string;
  conversationIds: string[];
}

interface Phase {
  offeredPerSecond: number;
  messages: number;
  missing: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Stored -> its mirror row recorded by the stream subscriber (the rest is the flush's). */
  recordedMs: { p50: number; p99: number };
  sendRequests: number;
  messagesPerRequest: number;
  answered503: number;
}

export async function runBitrixBenchmark(): Promise<void> {
  const PORTALS = numberFromEnv('BENCH_BITRIX_PORTALS', 10);
  const CONVERSATIONS = numberFromEnv('BENCH_BITRIX_CONVERSATIONS', 10);
  const PHASE_S = numberFromEnv('BENCH_BITRIX_PHASE_S', 10);
  const RATES = (process.env.BENCH_BITRIX_RATES ?? '10,100').split(',').map(Number);

  const environment = await prepareBenchEnvironment();
  const bitrix = await Bitrix24Fake.start(BITRIX_APP);
  let app: NestFastifyApplication | undefined;
  try {
    app = await createTestApp({
      ...BASE_TEST_ENV,
      APP_ROLE: 'all',
      DATABASE_URL: environment.databaseUrl,
      REDIS_URL: environment.redisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      THROTTLE_LIMIT: '100000000',
      BITRIX_OAUTH_URL: bitrix.oauthUrl,
      BITRIX_CLIENT_ID: BITRIX_APP.clientId,
      BITRIX_CLIENT_SECRET: BITRIX_APP.clientSecret,
      LOG_LEVEL: 'warn',
    });
    const lanes: Lane[] = [];
    for (let p = 0; p < PORTALS; p += 1)
      lanes.push(await prepareLane(app, bitrix, p, CONVERSATIONS));
    console.log(`${PORTALS} portals x ${CONVERSATIONS} conversations, one line each`);

    const messages = app.get(MessagesRepository);
    const storedAt = new Map<string, number>();
    const store = async (n: number) => {
      const lane = lanes[n % lanes.length];
      const id = newId();
      storedAt.set(id, Date.now());
      await messages.insertInbound({
        id,
        tenantId: lane.tenantId,
        conversationId: lane.conversationIds[Math.floor(n / lanes.length) % CONVERSATIONS],
        channelAccountId: lane.accountId,
        provider: 'meta-cloud',
        providerMessageId: `wamid.bench.${id}`,
        type: 'text',
        content: { text: `bench ${n}` },
        platformTimestamp: new Date(),
      });
      return id;
    };

    // The first message of each conversation also creates its CRM contact: done before the
    // measured phases, so they time the steady state an open line lives in.
    await waitFor(
      bitrix,
      lanes,
      new Set(
        await Promise.all(
          lanes.flatMap((_, p) => range(CONVERSATIONS).map((c) => store(c * PORTALS + p))),
        ),
      ),
    );

    const phases: Phase[] = [];
    for (const rate of RATES) {
      const before = counters(bitrix, lanes);
      const ids = new Set(await paced(rate, Math.round(rate * PHASE_S), store));
      const arrivals = await waitFor(bitrix, lanes, ids);
      const after = counters(bitrix, lanes);
      const latencies = [...arrivals].map(([id, at]) => at - storedAt.get(id)!);
      const recorded = await recordedAt(environment.db, [...ids]);
      const recordLatencies = [...recorded].map(([id, at]) => at - storedAt.get(id)!);
      const sendRequests = after.sendRequests - before.sendRequests;
      const phase: Phase = {
        offeredPerSecond: rate,
        messages: ids.size,
        missing: ids.size - arrivals.size,
        latencyMs: {
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: percentile(latencies, 100),
        },
        recordedMs: { p50: percentile(recordLatencies, 50), p99: percentile(recordLatencies, 99) },
        sendRequests,
        messagesPerRequest: sendRequests ? Math.round((arrivals.size / sendRequests) * 10) / 10 : 0,
        answered503: after.limited - before.limited,
      };
      phases.push(phase);
      console.log(
        `  ${rate} msg/s over ${PORTALS} portals: ${phase.messages} messages, ` +
          `p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms, max ${phase.latencyMs.max} ms ` +
          `(recorded for the mirror: p50 ${phase.recordedMs.p50} ms, p99 ${phase.recordedMs.p99} ms), ` +
          `${phase.messagesPerRequest} messages per REST request, ${phase.answered503} 503s, ` +
          `${phase.missing} missing`,
      );
    }

    const targets: Target[] = phases.flatMap((phase) => [
      {
        target: `${phase.offeredPerSecond} msg/s: every message on its line once, p99 < ${P99_TARGET_MS} ms`,
        measured: `p99 ${phase.latencyMs.p99} ms, ${phase.missing} missing`,
        met: phase.missing === 0 && phase.latencyMs.p99 < P99_TARGET_MS,
      },
      {
        target: `${phase.offeredPerSecond} msg/s: no 503 from Bitrix24`,
        measured: `${phase.answered503} 503s, ${phase.messagesPerRequest} messages per request`,
        met: phase.answered503 === 0,
      },
    ]);
    const file = writeResults('bitrix', {
      config: {
        portals: PORTALS,
        conversationsPerPortal: CONVERSATIONS,
        phaseSeconds: PHASE_S,
        rates: RATES,
      },
      phases,
      targets,
    });
    printTargets(targets);
    console.log(`Results: ${file}`);
  } finally {
    await app?.close();
    await bitrix.close();
    await environment.dispose();
  }
}

/** A tenant with a portal installed from the fake, a WhatsApp account on its line, contacts. */
async function prepareLane(
  app: NestFastifyApplication,
  bitrix: Bitrix24Fake,
  index: number,
  conversations: number,
): Promise<Lane> {
  const name = `bench${index}`;
  bitrix.addPortal(name);
  const tenant = await createTenant(app, `Bitrix bench ${index}`);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v2/bitrix/portals',
    headers: tenant.headers,
    payload: { name, portalUrl: bitrix.portalUrl(name) },
  });
  if (created.statusCode !== 201) throw new Error(`portal: ${created.body}`);
  const portalId = created.json<{ id: string }>().id;
  const installed = await app.inject({
    method: 'POST',
    url: `/webhooks/bitrix24/${portalId}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: installEvent(bitrix.authOf(name)),
  });
  if (installed.statusCode !== 200) throw new Error(`install: ${installed.body}`);
  const db = app.get(DataSource);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = await db.query(`SELECT connector_state FROM bitrix_portals WHERE id = $1`, [
      portalId,
    ]);
    if (row?.connector_state === 'registered') break;
    if (Date.now() > deadline) throw new Error(`portal ${name} not installed`);
    await new Promise((done) => setTimeout(done, 100));
  }
  // Stored directly (credentials are never read: the mirror does not send to WhatsApp).
  const accountId = newId();
  await db.query(
    `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
       VALUES ($1, $2, 'whatsapp', 'meta-cloud', $3, $3, 'unused')`,
    [accountId, tenant.id, `bench-${accountId}`],
  );
  const mapped = await app.inject({
    method: 'PUT',
    url: `/api/v2/bitrix/portals/${portalId}/lines`,
    headers: tenant.headers,
    payload: { channelAccountId: accountId, lineId: LINE },
  });
  if (mapped.statusCode !== 200) throw new Error(`line: ${mapped.body}`);
  const conversationIds: string[] = [];
  for (let c = 0; c < conversations; c += 1) {
    const contactId = await app
      .get(ContactsService)
      .resolve(tenant.id, [{ type: 'wa_id', value: `55119${index}${String(c).padStart(7, '0')}` }]);
    conversationIds.push(
      await app
        .get(ConversationsService)
        .touch(tenant.id, accountId, contactId, new Date(), 'inbound'),
    );
  }
  return { portal: name, tenantId: tenant.id, accountId, conversationIds };
}

/** When each of `ids` reached its line (first arrival), waiting until all did or time ran out. */
async function waitFor(
  bitrix: Bitrix24Fake,
  lanes: Lane[],
  ids: Set<string>,
): Promise<Map<string, number>> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const arrivals = new Map<string, number>();
  while (Date.now() < deadline) {
    arrivals.clear();
    for (const lane of lanes) {
      for (const m of bitrix.portal(lane.portal).messages) {
        if (ids.has(m.externalMessageId) && !arrivals.has(m.externalMessageId)) {
          arrivals.set(m.externalMessageId, m.receivedAt);
        }
      }
    }
    if (arrivals.size === ids.size) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  return arrivals;
}

/** When the mirror subscriber recorded each message for its portal (bitrix_mirror_items). */
async function recordedAt(db: Pool, ids: string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ messageId: string; at: Date }>(
    `SELECT message_id AS "messageId", created_at AS at FROM bitrix_mirror_items
      WHERE message_id = ANY($1) AND change = 'send'`,
    [ids],
  );
  return new Map(rows.map((r) => [r.messageId, r.at.getTime()]));
}

/** REST requests that carried imconnector.send.messages (a batch counts once) and 503s. */
function counters(bitrix: Bitrix24Fake, lanes: Lane[]): { sendRequests: number; limited: number } {
  const requests = new Set<number>();
  for (const lane of lanes) {
    for (const call of bitrix.callsOf(lane.portal, 'imconnector.send.messages')) {
      requests.add(call.inBatch ?? call.request);
    }
  }
  return { sendRequests: requests.size, limited: bitrix.limited };
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

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
