import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { newId } from '@core/database/ids';
import { MaintenanceRegistry } from '@core/queue/maintenance.registry';
import { QueueName } from '@core/queue/queue-names';
import {
  metaMessages,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  newWamid,
} from '@test/fakes/meta-graph/webhooks';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { acceptText, textOf } from './support/outbound-traffic';
import { printScenarioSummary } from './support/summary';

const REPLAYS = 100;
const CUSTOMER = '5511987655678';
/** How far the stored rows are moved back: "hours later" for every timestamp we keep. */
const LATER = '6 hours';

/** A jsonb fragment matching every Meta webhook addressed to one business number. */
const forNumber = (phoneNumberId: string) =>
  JSON.stringify({
    entry: [{ changes: [{ value: { metadata: { phone_number_id: phoneNumberId } } }] }],
  });

/** What PostgreSQL holds for one inbound message and one status, counted. */
interface Stored {
  inboxRowsForMessage: number;
  inboxRowsForStatus: number;
  messageRows: number;
  /** Each inbox row's processing attempts: 1 each when every row was processed once. */
  inboxAttempts: number[];
  outbound: { status: string; deliveredAt: string; updatedAt: string };
}

/**
 * Issue 6, fault 5: Meta delivers the same signed webhook again and again (it retries until it
 * gets a 2xx, and may deliver twice anyway). Replayed 100 times at once, and again 100 times
 * "hours later" after the inbox maintenance tasks have run, each webhook is stored once: one
 * inbox row, one message row per wamid, one status transition.
 */
describe('The same webhook replayed 100 times, at once and hours later', () => {
  let scenario: CloudApiScenario;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'replay',
      env: { QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}replay-${newId()}` },
    });
  });

  afterAll(() => scenario?.close());

  const deliverAll = async (bodies: readonly unknown[]) => {
    const answers = await Promise.all(bodies.map((body) => scenario.webhook(body)));
    return answers.filter((answer) => answer.statusCode !== 200).map((a) => a.statusCode);
  };

  /** Waits until the inbound queue has nothing left to do, so every replay had its chance. */
  const inboundQueueIdle = () => {
    const queue = scenario.app.get<Queue>(getQueueToken(QueueName.Inbound));
    return eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    });
  };

  const stored = async (inboundWamid: string, outboundWamid: string): Promise<Stored> => {
    const { db } = scenario;
    const carrying = (part: 'messages' | 'statuses', wamid: string) =>
      JSON.stringify({ entry: [{ changes: [{ value: { [part]: [{ id: wamid }] } }] }] });
    const inbox: { kind: string; attempts: number }[] = await db.query(
      `SELECT CASE WHEN payload @> $1::jsonb THEN 'message' ELSE 'status' END AS kind, attempts
         FROM inbound_events WHERE source = 'meta' AND (payload @> $1::jsonb OR payload @> $2::jsonb)`,
      [carrying('messages', inboundWamid), carrying('statuses', outboundWamid)],
    );
    const [{ count }]: { count: number }[] = await db.query(
      `SELECT count(*)::int AS count FROM messages WHERE provider_message_id = $1`,
      [inboundWamid],
    );
    const [outbound]: Stored['outbound'][] = await db.query(
      `SELECT status, delivered_at::text AS "deliveredAt", updated_at::text AS "updatedAt"
         FROM messages WHERE provider_message_id = $1`,
      [outboundWamid],
    );
    return {
      inboxRowsForMessage: inbox.filter((row) => row.kind === 'message').length,
      inboxRowsForStatus: inbox.filter((row) => row.kind === 'status').length,
      messageRows: count,
      inboxAttempts: inbox.map((row) => row.attempts),
      outbound,
    };
  };

  it('stores each webhook once: one inbox row, one message per wamid, one status transition', async () => {
    const { db, number, graph } = scenario;
    const copies = (body: unknown) => Array.from({ length: REPLAYS }, () => body);

    // A customer's message, delivered 100 times at once: the first delivery races its copies,
    // as when Meta retries a delivery whose 200 it did not see in time.
    const inboundWamid = newWamid();
    const messageWebhook = metaMessagesWebhook(
      number,
      { waId: CUSTOMER, name: 'Ana' },
      metaMessages.text({ from: CUSTOMER, id: inboundWamid }, 'Vocês abrem no sábado?'),
    );
    const refused = await deliverAll(copies(messageWebhook));
    await eventually(async () => expect((await stored(inboundWamid, '-')).messageRows).toBe(1));

    // Our reply, and Meta's `delivered` for it, 100 times at once as well.
    const reply = await acceptText(
      { app: scenario.app, tenant: scenario.tenant, account: 'replay', to: `+${CUSTOMER}` },
      'Sim, das 9h às 13h.',
    );
    const outboundWamid = await eventually(() => {
      const sent = graph.sent().find((m) => textOf(m) === 'Sim, das 9h às 13h.');
      if (!sent) throw new Error('reply not sent yet');
      return Promise.resolve(sent.wamid);
    });
    const statusWebhook = metaStatusesWebhook(
      number,
      metaStatus({ id: outboundWamid, status: 'delivered', recipientId: CUSTOMER }),
    );
    refused.push(...(await deliverAll(copies(statusWebhook))));
    await eventually(async () =>
      expect((await stored(inboundWamid, outboundWamid)).outbound.status).toBe('delivered'),
    );
    await inboundQueueIdle();
    const atOnce = await stored(inboundWamid, outboundWamid);

    // Hours later: every stored timestamp moves back, then the inbox maintenance runs as it
    // would have by then (retention keeps rows for days; the sweeper finds nothing owed).
    const [, inboxRowsMoved]: [unknown, number] = await db.query(
      `UPDATE inbound_events SET received_at = received_at - $1::interval,
              enqueued_at = enqueued_at - $1::interval, processed_at = processed_at - $1::interval
        WHERE source = 'meta' AND payload @> $2::jsonb`,
      [LATER, forNumber(number.phoneNumberId)],
    );
    const [, messagesMoved]: [unknown, number] = await db.query(
      `UPDATE messages SET created_at = created_at - $1::interval, updated_at = updated_at - $1::interval,
              sent_at = sent_at - $1::interval, delivered_at = delivered_at - $1::interval,
              platform_timestamp = platform_timestamp - $1::interval
        WHERE tenant_id = $2`,
      [LATER, scenario.tenant.id],
    );
    expect([inboxRowsMoved, messagesMoved]).toEqual([2, 2]);
    const movedBack = await stored(inboundWamid, outboundWamid);
    const maintenance = scenario.app.get(MaintenanceRegistry);
    for (const name of ['inbox.retention', 'inbox.sweep']) {
      const task = maintenance.task(name);
      expect(task).toBeDefined();
      await task!.run();
    }
    refused.push(...(await deliverAll([...copies(messageWebhook), ...copies(statusWebhook)])));
    await inboundQueueIdle();
    const later = await stored(inboundWamid, outboundWamid);

    const history = await scenario.app.inject({
      method: 'GET',
      url: `/api/v2/messages/${reply.id}`,
      headers: scenario.tenant.headers,
    });
    const statuses = history.json<{ history: { status: string }[] }>().history.map((h) => h.status);
    printScenarioSummary('webhook-replay', {
      deliveriesPerWebhook: 2 * REPLAYS,
      deliveries: 4 * REPLAYS,
      refused: refused.length,
      inboxRowsMessage: later.inboxRowsForMessage,
      inboxRowsStatus: later.inboxRowsForStatus,
      messageRows: later.messageRows,
      processingAttempts: later.inboxAttempts.reduce((sum, n) => sum + n, 0),
      deliveredTransitions: statuses.filter((status) => status === 'delivered').length,
    });

    expect(refused).toEqual([]);
    for (const snapshot of [atOnce, later]) {
      expect(snapshot.inboxRowsForMessage).toBe(1);
      expect(snapshot.inboxRowsForStatus).toBe(1);
      expect(snapshot.messageRows).toBe(1);
      expect(snapshot.inboxAttempts).toEqual([1, 1]);
    }
    // No replay hours later reached the pipeline: the status row was not touched again.
    expect(later.outbound).toEqual(movedBack.outbound);
    expect(statuses).toEqual(['queued', 'sent', 'delivered']);
  }, 120_000);
});
