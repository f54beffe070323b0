import { newId } from '@core/database/ids';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import type { RunningServer } from '@test/support/server-process';
import { DedicatedRedis, startDedicatedRedis } from './support/dedicated-redis';
import { CREATE_RECEIPTS_TABLE, RECEIPTS_TABLE } from './support/event-receipts';
import { startOmnihubProcess } from './support/omnihub-process';
import { acceptTexts, SendTarget } from './support/outbound-traffic';
import { printScenarioSummary } from './support/summary';
import { isAcknowledged, startWebhookLoad, WebhookLoad } from './support/webhook-load';

const INBOUND = 500;
const OUTBOUND = 500;
const CUSTOMERS = 10;
const RECOVERY_TIMEOUT_MS = 150_000;

/**
 * Issue 11: events of 1,000 inbound and outbound messages reach a subscriber exactly once each
 * after deduplication by event id (at least once on the wire), in order per conversation,
 * while a worker is SIGKILLed mid-delivery and Redis restarts empty. The API runs here; two
 * workers run in processes of their own from a test entry point that adds the subscriber,
 * which writes each event it is handed to a table.
 */
describe('Resilience: the messaging event stream through a worker crash and a Redis restart', () => {
  let redis: DedicatedRedis;
  let scenario: CloudApiScenario;
  let load: WebhookLoad | undefined;
  const workers: RunningServer[] = [];
  const queuePrefix = `${process.env.QUEUE_PREFIX}events-${newId()}`;

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    scenario = await startCloudApiScenario({
      accountName: 'events',
      env: {
        APP_ROLE: 'api',
        REDIS_URL: redis.url,
        QUEUE_PREFIX: queuePrefix,
        THROTTLE_LIMIT: '100000',
      },
    });
    await scenario.db.query(CREATE_RECEIPTS_TABLE);
  });

  afterAll(async () => {
    await load?.stop();
    for (const worker of workers) await worker.stop();
    await redis?.start().catch(() => undefined);
    await scenario?.close();
    await redis?.close();
  });

  const startWorker = async (name: string) => {
    const worker = await startOmnihubProcess(
      name,
      'worker',
      {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: queuePrefix,
        META_GRAPH_BASE_URL: scenario.graph.baseUrl,
        META_GRAPH_API_VERSION: scenario.graph.version,
        WHATSAPP_CLOUD_MESSAGES_PER_SECOND: '1000',
        // Sweeps soon, so what Redis lost is found again in seconds.
        INBOX_SWEEP_INTERVAL_MS: '1000',
        INBOX_SWEEP_AFTER_MS: '1000',
        INBOX_SWEEP_STALLED_AFTER_MS: '10000',
        MESSAGING_EVENTS_POLL_INTERVAL_MS: '100',
      },
      'test/resilience/support/event-receipts.main.ts',
    );
    workers.push(worker);
    return worker;
  };

  it('hands every event on, once after deduplication and in order per conversation', async () => {
    const { db, tenant } = scenario;
    const customers = Array.from(
      { length: CUSTOMERS },
      (_, i) => `55119${String(i).padStart(8, '0')}`,
    );
    // Each customer writes first, so the 24-hour window is open for the sends.
    const first = await startWorker('events-worker-1');
    await startWorker('events-worker-2');
    for (const customer of customers) await scenario.customerWrites(customer, 'Oi');

    load = startWebhookLoad({
      number: scenario.number,
      send: (body) => scenario.webhook(body),
      ratePerSecond: 100,
      customers: CUSTOMERS,
    });
    const texts = Array.from({ length: OUTBOUND }, (_, i) => `event-stream-${i}`);
    const target = (i: number): SendTarget => ({
      app: scenario.app,
      tenant,
      account: 'events',
      to: `+${customers[i % CUSTOMERS]}`,
    });
    const sending = Promise.all(
      customers.map((_, lane) =>
        acceptTexts(
          target(lane),
          texts.filter((__, i) => i % CUSTOMERS === lane),
          2,
        ),
      ),
    ).then((lanes) => lanes.flat());

    // Mid-run: the first worker dies while handing events out, then Redis comes back empty.
    const receipts = async () =>
      Number(
        (
          await db.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM ${RECEIPTS_TABLE} WHERE tenant_id = $1`,
            [tenant.id],
          )
        )[0].n,
      );
    await eventually(async () => expect(await receipts()).toBeGreaterThan(400), 90_000);
    const receiptsAtKill = await receipts();
    await first.kill('SIGKILL');
    await redis.kill();
    await redis.start();
    await startWorker('events-worker-3');

    const inboundSent = await (async () => {
      while (load.acknowledgedSoFar().length < INBOUND) await sleep(100);
      return (await load.stop()).filter(isAcknowledged).length;
    })();
    const accepted = await sending;

    // Every message is stored and settled, and every event recorded for it handed out.
    await eventually(async () => {
      const [pending] = await db.query<{ unsettled: string; unreceived: string }[]>(
        `SELECT (SELECT count(*) FROM messages WHERE tenant_id = $1 AND status IN ('queued', 'sending')) AS unsettled,
                (SELECT count(*) FROM domain_events e WHERE e.tenant_id = $1
                    AND NOT EXISTS (SELECT 1 FROM ${RECEIPTS_TABLE} r WHERE r.event_id = e.id)) AS unreceived`,
        [tenant.id],
      );
      expect(pending).toEqual({ unsettled: '0', unreceived: '0' });
    }, RECOVERY_TIMEOUT_MS);

    const wire = await db.query<
      { event_id: string; stream_id: string; seq: string; type: string }[]
    >(
      `SELECT event_id, stream_id, seq, type FROM ${RECEIPTS_TABLE} WHERE tenant_id = $1 ORDER BY n`,
      [tenant.id],
    );
    const recorded = await db.query<{ id: string; type: string; message_id: string | null }[]>(
      `SELECT id, type, message_id FROM domain_events WHERE tenant_id = $1`,
      [tenant.id],
    );
    const messages = await db.query<{ id: string; direction: string }[]>(
      `SELECT id, direction FROM messages WHERE tenant_id = $1`,
      [tenant.id],
    );

    // In order per conversation: a seq is never handed out before the one below it was.
    const seen = new Map<string, Set<number>>();
    const outOfOrder: string[] = [];
    for (const receipt of wire) {
      const seqs = seen.get(receipt.stream_id) ?? new Set<number>();
      const seq = Number(receipt.seq);
      if (seq > 1 && !seqs.has(seq - 1)) outOfOrder.push(`${receipt.stream_id}#${seq}`);
      seqs.add(seq);
      seen.set(receipt.stream_id, seqs);
    }
    const distinct = new Set(wire.map((receipt) => receipt.event_id));
    const firstEventOf = new Map<string, string>();
    for (const event of recorded) {
      if (event.message_id && ['message.received', 'message.accepted'].includes(event.type))
        firstEventOf.set(event.message_id, event.id);
    }
    const messagesWithoutEvent = messages.filter(
      (m) => !distinct.has(firstEventOf.get(m.id) ?? ''),
    );

    printScenarioSummary('event-stream', {
      inbound: messages.filter((m) => m.direction === 'inbound').length,
      outbound: messages.filter((m) => m.direction === 'outbound').length,
      webhooksAcknowledged: inboundSent,
      sendsAccepted: accepted.length,
      eventsRecorded: recorded.length,
      eventsReceived: distinct.size,
      wireDeliveries: wire.length,
      redelivered: wire.length - distinct.size,
      receiptsAtKill,
      conversations: seen.size,
      outOfOrder: outOfOrder.length,
      messagesWithoutEvent: messagesWithoutEvent.length,
    });

    // Whether the kill caught deliveries in flight depends on where in a batch it lands (CI
    // saw 0 to 150 redelivered); the summary line reports it. Redelivery after a worker died
    // before recording its results is asserted deterministically in
    // test/integration/messaging/events/event-stream.spec.ts.
    expect(accepted).toHaveLength(OUTBOUND);
    expect(messages.length).toBeGreaterThanOrEqual(INBOUND + OUTBOUND);
    expect(distinct.size).toBe(recorded.length);
    expect(messagesWithoutEvent).toEqual([]);
    expect(outOfOrder).toEqual([]);
    // at least once on the wire: never fewer deliveries than events
    expect(wire.length).toBeGreaterThanOrEqual(recorded.length);
  }, 300_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
