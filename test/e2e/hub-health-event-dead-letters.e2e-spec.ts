import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { QueueAlertsTask } from '@app/alerts/triggers/queue-alerts.task';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { EventDelivery } from '@app/messaging/events/event-delivery';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import {
  RecordingSubscribers,
  RecordingSubscribersModule,
} from '@test/integration/messaging/events/recording-subscriber';
import { adminHeaders, createTenant, createTestApp, metricsHeaders } from '@test/support/test-app';

interface Letter {
  kind: string;
  id: string;
  queue: string;
  reason: string;
  attempts: number;
  tenantId: string;
  refs: Record<string, string>;
}

/**
 * The messaging event stream's dead letters through the hub queues routes (queue `events`):
 * an event delivery that exhausted its attempts is listed with its reason and event id, a
 * retry really delivers it to the subscriber again, a discard drops it, audited. The API role
 * runs no delivery loop: the test polls as a worker would.
 */
describe('Hub queues: event stream dead letters', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let delivery: EventDelivery;
  let subscribers: RecordingSubscribers;
  let tenantId: string;
  let accountId: string;

  beforeAll(async () => {
    // A prefix of its own: the dead-letter alert's previous count lives under it, and the
    // alerts suites of the same run count too.
    app = await createTestApp(
      {
        APP_ROLE: 'api',
        MESSAGING_EVENTS_MAX_ATTEMPTS: '1',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}event-dead-letters-${randomUUID()}`,
      },
      [RecordingSubscribersModule],
    );
    db = app.get(DataSource);
    delivery = app.get(EventDelivery);
    subscribers = app.get(RecordingSubscribers);
    tenantId = (await createTenant(app)).id;
    accountId = newId();
    await db.query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
       VALUES ($1, $2, 'whatsapp', 'events-test', $3, $3, 'unused')`,
      [accountId, tenantId, `hub-dl-${accountId}`],
    );
  });

  afterAll(async () => {
    await app.close();
  });

  /** Polls until nothing is due (other suites' streams included: they share the database). */
  const drain = async () => {
    while ((await delivery.deliverOnce()) > 0);
  };

  /** An accepted outbound message in a new conversation; returns it and its event's id. */
  const acceptedMessage = async (): Promise<{ messageId: string; eventId: string }> => {
    const contactId = await app
      .get(ContactsService)
      .resolve(tenantId, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    const conversationId = await app
      .get(ConversationsService)
      .touch(tenantId, accountId, contactId, new Date(), 'inbound');
    const { id: messageId } = await app.get(MessagesRepository).insertOutbound({
      id: newId(),
      tenantId,
      conversationId,
      channelAccountId: accountId,
      provider: 'events-test',
      type: 'text',
      content: { text: 'olá', to: '+5511900000000' },
    });
    const [{ id: eventId }] = await db.query<{ id: string }[]>(
      `SELECT id FROM domain_events WHERE message_id = $1 AND type = 'message.accepted'`,
      [messageId],
    );
    return { messageId, eventId };
  };

  const letters = async (): Promise<Letter[]> => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/queues/events/dead-letters?limit=200',
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Letter[]>().filter((letter) => letter.tenantId === tenantId);
  };

  const act = (method: 'POST' | 'DELETE', url: string, payload: object) =>
    app.inject({ method, url, headers: adminHeaders, payload });

  const flakyGot = (eventId: string) =>
    subscribers.flaky.filter((event) => event.id === eventId).length;

  it('lists an event delivery that exhausted its attempts, and a retry delivers it to the subscriber again', async () => {
    await drain();
    subscribers.reset();
    const queueAlerts = app.get(QueueAlertsTask);
    await queueAlerts.run(); // the count the next run compares with
    const { messageId, eventId } = await acceptedMessage();
    subscribers.failOn.add(eventId);
    await drain();
    expect(flakyGot(eventId)).toBe(1);
    // The event stream's dead letters growing raise the queue dead-letter alert too.
    expect((await queueAlerts.run()).events.failed).toBeGreaterThanOrEqual(1);
    const alerts = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/alerts?type=queue.dead_letters',
      headers: adminHeaders,
    });
    expect(alerts.json<{ items: { subject: string; status: string }[] }>().items).toContainEqual(
      expect.objectContaining({ subject: 'queue/events', status: 'firing' }),
    );

    const [letter] = (await letters()).filter((l) => l.refs.eventId === eventId);
    expect(letter).toMatchObject({
      kind: 'event',
      queue: 'events',
      reason: 'test.flaky: Error: refused message.accepted',
      attempts: 1,
      tenantId,
      refs: { eventId, eventType: 'message.accepted', subscriber: 'test.flaky', messageId },
    });
    const counts = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/queues',
      headers: adminHeaders,
    });
    expect(counts.json<Record<string, { failed: number }>>().events.failed).toBeGreaterThanOrEqual(
      1,
    );
    const scrape = await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
    expect(scrape.body).toMatch(/dead_letters\{queue="events",kind="event"\} [1-9]\d*/);

    subscribers.failOn.clear();
    const retried = await act('POST', '/api/v2/hub/queues/events/dead-letters/retry', {
      ids: [letter.id, 'not-an-event-letter'],
    });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toEqual({ jobs: [], sends: [], events: [letter.id] });
    await drain();
    // The subscriber really got the event again, and the dead letter is gone.
    expect(flakyGot(eventId)).toBe(2);
    expect((await letters()).some((l) => l.id === letter.id)).toBe(false);
    const audited = await db.query(
      `SELECT tenant_id, action, resource_type FROM audit_log WHERE resource_id = $1`,
      [letter.id],
    );
    expect(audited).toEqual([
      { tenant_id: tenantId, action: 'dead_letter.retried', resource_type: 'dead_letter' },
    ]);
  });

  it('discards an event dead letter without delivering it, audited in its tenant', async () => {
    await drain();
    subscribers.reset();
    const { eventId } = await acceptedMessage();
    subscribers.failOn.add(eventId);
    await drain();
    const [letter] = (await letters()).filter((l) => l.refs.eventId === eventId);
    expect(letter).toBeDefined();

    subscribers.failOn.clear();
    const discarded = await act('DELETE', '/api/v2/hub/queues/events/dead-letters', {
      ids: [letter.id],
    });
    expect(discarded.statusCode).toBe(200);
    expect(discarded.json()).toEqual({ jobs: [], sends: [], events: [letter.id] });
    await drain();
    expect(flakyGot(eventId)).toBe(1);
    expect((await letters()).some((l) => l.id === letter.id)).toBe(false);
    const audited = await db.query(
      `SELECT tenant_id, actor_kind, action, resource_type FROM audit_log WHERE resource_id = $1`,
      [letter.id],
    );
    expect(audited).toEqual([
      {
        tenant_id: tenantId,
        actor_kind: 'admin',
        action: 'dead_letter.discarded',
        resource_type: 'dead_letter',
      },
    ]);

    // Discarded is gone for good: a retry of it re-drives nothing.
    const again = await act('POST', '/api/v2/hub/queues/events/dead-letters/retry', {
      ids: [letter.id],
    });
    expect(again.json()).toEqual({ jobs: [], sends: [], events: [] });
  });
});
