import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { v7 } from 'uuid';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { DomainEventsRepository } from '@app/messaging/events/domain-events.repository';
import { EventDelivery, type Poll } from '@app/messaging/events/event-delivery';
import { DomainEventRecorder } from '@app/messaging/events/domain-event-recorder';
import { EventRetention } from '@app/messaging/events/event-retention';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { SendOutcomesRepository } from '@app/messaging/messages/send-outcomes.repository';
import { eventually } from '@test/support/eventually';
import { adminHeaders, createTenant, createTestApp } from '@test/support/test-app';
import { RecordingSubscribers, RecordingSubscribersModule } from './recording-subscriber';

/** Deterministic delays (mulberry32, fixed seed): the interleaving differs run to run only by timing. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The messaging event stream against the real database: events are recorded by the statement
 * that makes the change, delivered at least once and in order per conversation by any number
 * of workers, retried with backoff per subscriber, dead-lettered and re-driven. The API role
 * runs no delivery loop here: each test polls as workers would.
 */
describe('Messaging event stream', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let delivery: EventDelivery;
  let events: DomainEventsRepository;
  let messages: MessagesRepository;
  let outcomes: SendOutcomesRepository;
  let subscribers: RecordingSubscribers;
  let tenantId: string;
  let accountId: string;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api', MESSAGING_EVENTS_MAX_ATTEMPTS: '3' }, [
      RecordingSubscribersModule,
    ]);
    db = app.get(DataSource);
    delivery = app.get(EventDelivery);
    events = app.get(DomainEventsRepository);
    messages = app.get(MessagesRepository);
    outcomes = app.get(SendOutcomesRepository);
    subscribers = app.get(RecordingSubscribers);
    tenantId = (await createTenant(app)).id;
    accountId = newId();
    await db.query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
       VALUES ($1, $2, 'whatsapp', 'events-test', $3, $3, 'unused')`,
      [accountId, tenantId, `events-${accountId}`],
    );
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await drain();
    subscribers.reset();
  });

  /** Polls until nothing is due (other suites' streams included: they share the database). */
  const drain = async () => {
    while ((await delivery.deliverOnce()) > 0);
  };

  const ours = (list: MessagingEvent[]) => list.filter((event) => event.tenantId === tenantId);

  const newConversation = async (): Promise<string> => {
    const contactId = await app
      .get(ContactsService)
      .resolve(tenantId, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    return app
      .get(ConversationsService)
      .touch(tenantId, accountId, contactId, new Date(), 'inbound');
  };

  const receive = async (conversationId: string): Promise<string> => {
    const id = newId();
    await messages.insertInbound({
      id,
      tenantId,
      conversationId,
      channelAccountId: accountId,
      provider: 'events-test',
      providerMessageId: `in.${id}`,
      type: 'text',
      content: { text: 'never in an event' },
      platformTimestamp: new Date(),
    });
    return id;
  };

  const accept = async (conversationId: string): Promise<string> => {
    const { id } = await messages.insertOutbound({
      id: newId(),
      tenantId,
      conversationId,
      channelAccountId: accountId,
      provider: 'events-test',
      type: 'text',
      content: { text: 'hello', to: '+5511900000000' },
    });
    return id;
  };

  const recorded = (where: string, params: unknown[]) =>
    db.query<{ type: string; status: string | null; error_code: string | null; seq: string }[]>(
      `SELECT type, status, error_code, seq FROM domain_events WHERE ${where} ORDER BY seq`,
      params,
    );

  it('records each change with its event, ids and types only, in order per conversation', async () => {
    const conversationId = await newConversation();
    const inbound = await receive(conversationId);
    const outbound = await accept(conversationId);
    await outcomes.claim(outbound, { id: 'test-worker', leaseMs: 60_000 });
    await messages.markSent(outbound, `out.${outbound}`, new Date());
    await messages.applyStatus(accountId, `out.${outbound}`, 'delivered', new Date());
    // a repeated status changes nothing, so it records nothing
    await messages.applyStatus(accountId, `out.${outbound}`, 'delivered', new Date());
    await messages.applyStatus(accountId, `out.${outbound}`, 'failed', new Date(), {
      code: 'WHATSAPP.131026',
      title: 'Undeliverable',
    });

    const stream = await db.query<Record<string, unknown>[]>(
      `SELECT * FROM domain_events WHERE stream_id = $1 ORDER BY seq`,
      [conversationId],
    );
    expect(
      stream.map((e) => [e.type, e.message_id, e.status, e.error_code, Number(e.seq)]),
    ).toEqual([
      ['conversation.opened', null, null, null, 1],
      ['message.received', inbound, 'received', null, 2],
      ['message.accepted', outbound, 'queued', null, 3],
      ['message.sent', outbound, 'sent', null, 4],
      ['message.status_changed', outbound, 'delivered', null, 5],
      ['message.status_changed', outbound, 'failed', 'WHATSAPP.131026', 6],
    ]);
    expect(JSON.stringify(stream)).not.toContain('never in an event');
    expect(JSON.stringify(stream)).not.toContain('5511900000000');
  });

  it("records a channel account's status changes on the account's stream, and a repeated status not at all", async () => {
    const accounts = app.get(ChannelAccountsService);
    await accounts.setStatus(accountId, 'needs_reauth');
    await accounts.setStatus(accountId, 'needs_reauth');
    await accounts.setStatus(accountId, 'disconnected');
    await accounts.setStatus(accountId, 'active');

    const stream = await recorded('stream_id = $1', [accountId]);
    expect(stream.map((e) => [e.type, e.status, Number(e.seq)])).toEqual([
      ['account.status_changed', 'needs_reauth', 1],
      ['account.status_changed', 'disconnected', 2],
      ['account.status_changed', 'active', 3],
    ]);
    const [{ status }] = await db.query<{ status: string }[]>(
      `SELECT status FROM channel_accounts WHERE id = $1`,
      [accountId],
    );
    expect(status).toBe('active');
  });

  it('leaves no event behind a change that was rolled back', async () => {
    const conversationId = await newConversation();
    const first = await accept(conversationId);
    const second = await accept(conversationId);
    await messages.markSent(first, `taken.${first}`, new Date());
    // the provider id is taken: the statement fails and takes its event with it
    await expect(messages.markSent(second, `taken.${first}`, new Date())).rejects.toThrow(
      /messages_account_provider_message_key/,
    );
    expect(await recorded('message_id = $1', [second])).toEqual([
      expect.objectContaining({ type: 'message.accepted' }),
    ]);
  });

  it("numbers a new stream's first events once each when two transactions record them at once", async () => {
    const contactId = newId();
    const [first, second] = [db.createQueryRunner(), db.createQueryRunner()];
    const record = (runner: typeof first): Promise<{ seq: string }[]> =>
      runner.query(
        `INSERT INTO domain_events (tenant_id, stream_id, type, contact_id)
         VALUES ($1, $2, 'contact.updated', $2) RETURNING seq`,
        [tenantId, contactId],
      );
    try {
      await first.startTransaction();
      await second.startTransaction();
      // The first creates the stream's counter row; the second finds none to advance, and its
      // insert waits on the first's until that commits, then advances it.
      const [one] = await record(first);
      const secondPid = (
        (await second.query(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[]
      )[0].pid;
      const waiting = record(second);
      await eventually(async () => {
        const [{ blocked }]: { blocked: boolean }[] = await db.query(
          `SELECT wait_event_type = 'Lock' AS blocked FROM pg_stat_activity WHERE pid = $1`,
          [secondPid],
        );
        expect(blocked).toBe(true);
      });
      await first.commitTransaction();
      const [two] = await waiting;
      await second.commitTransaction();
      expect([one.seq, two.seq].map(Number)).toEqual([1, 2]);
    } finally {
      await first.release();
      await second.release();
    }
  });

  /** A send whose outcome became unknown, then settled by an operator's word. */
  const settledByOperator = async (outcome: 'sent' | 'failed'): Promise<string> => {
    const id = await accept(await newConversation());
    await outcomes.claim(id, { id: 'test-worker', leaseMs: 60_000 });
    await outcomes.markUnknown(id, 'MESSAGE.OUTCOME_UNKNOWN', 'No answer');
    await outcomes.settleByOperator(tenantId, id, outcome);
    return id;
  };

  it('records an unknown outcome and its settling', async () => {
    const id = await settledByOperator('failed');
    expect(
      (await recorded('message_id = $1', [id])).map((e) => [e.type, e.status, e.error_code]),
    ).toEqual([
      ['message.accepted', 'queued', null],
      ['message.status_changed', 'unknown', 'MESSAGE.OUTCOME_UNKNOWN'],
      ['message.status_changed', 'failed', 'MESSAGE.NOT_SENT'],
    ]);
  });

  it('records nothing more when the platform answers a send an operator already settled as sent', async () => {
    const id = await settledByOperator('sent');
    // the platform's late answer fills in its id, and says nothing new
    await messages.markSent(id, `late.${id}`, new Date());

    expect((await recorded('message_id = $1', [id])).map((e) => [e.type, e.status])).toEqual([
      ['message.accepted', 'queued'],
      ['message.status_changed', 'unknown'],
      ['message.status_changed', 'sent'],
    ]);
    const [row] = await db.query<{ status: string; provider_message_id: string }[]>(
      `SELECT status, provider_message_id FROM messages WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ status: 'sent', provider_message_id: `late.${id}` });
  });

  it('stores a received message and opens its conversation in one statement, events in that order, once', async () => {
    const contactId = await app
      .get(ContactsService)
      .resolve(tenantId, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    const received = {
      id: newId(),
      tenantId,
      channelAccountId: accountId,
      provider: 'events-test',
      providerMessageId: `in.${newId()}`,
      type: 'text',
      content: { text: 'first words' },
      platformTimestamp: new Date(),
    };
    const at = new Date();
    const messages = app.get(MessagesRepository);
    expect(await messages.insertReceivedTouching(received, { contactId, at })).toBe(true);
    // the platform delivers it again: nothing new
    expect(
      await messages.insertReceivedTouching({ ...received, id: newId() }, { contactId, at }),
    ).toBe(false);
    const [conversation] = await db.query<{ id: string; last_inbound_at: Date }[]>(
      `SELECT id, last_inbound_at FROM conversations WHERE channel_account_id = $1 AND contact_id = $2`,
      [accountId, contactId],
    );
    expect(conversation.last_inbound_at).toEqual(at);
    expect(
      (await recorded('stream_id = $1', [conversation.id])).map((e) => [e.type, Number(e.seq)]),
    ).toEqual([
      ['conversation.opened', 1],
      ['message.received', 2],
    ]);
  });

  /** 15 messages into each conversation while two `worker`s poll, told when receiving ended. */
  const receiveWithTwoWorkers = async (
    conversations: string[],
    worker: (recording: () => boolean) => Promise<void>,
  ) => {
    let recording = true;
    const workers = [worker(() => recording), worker(() => recording)];
    await Promise.all(
      conversations.map(async (conversationId) => {
        for (let i = 0; i < 15; i += 1) await receive(conversationId);
      }),
    );
    recording = false;
    await Promise.all(workers);
  };

  it('hands each conversation to one worker at a time, in order, with two workers polling', async () => {
    const random = seeded(11);
    subscribers.delayMs = () => Math.floor(random() * 4);
    const conversations = await Promise.all(Array.from({ length: 6 }, () => newConversation()));
    await receiveWithTwoWorkers(conversations, async (recording) => {
      while (recording()) {
        if (!(await delivery.deliverOnce())) await new Promise((r) => setTimeout(r, 5));
      }
    });
    await drain();

    const received = ours(subscribers.steady);
    for (const conversationId of conversations) {
      const seqs = received.filter((e) => e.streamId === conversationId).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    }
    expect(subscribers.overlaps).toBe(0);
  });

  it('delivers again what a worker handed out but never acknowledged (it crashed)', async () => {
    const conversationId = await newConversation();
    await receive(conversationId);
    const acknowledge = jest
      .spyOn(events, 'acknowledge')
      .mockRejectedValueOnce(new Error('worker killed before acknowledging'));
    await expect(delivery.deliverOnce()).rejects.toThrow('worker killed');
    acknowledge.mockRestore();
    const handedOut = ours(subscribers.steady).filter((e) => e.streamId === conversationId);
    expect(handedOut.map((e) => e.type)).toEqual(['conversation.opened', 'message.received']);

    // the dead worker's lease still holds the conversation...
    await drain();
    expect(ours(subscribers.steady).filter((e) => e.streamId === conversationId)).toHaveLength(2);
    // ...until it lapses; then the same events (same ids) go out again
    await db.query(`UPDATE domain_event_streams SET available_at = now() WHERE stream_id = $1`, [
      conversationId,
    ]);
    await drain();
    const all = ours(subscribers.steady).filter((e) => e.streamId === conversationId);
    expect(all.map((e) => e.id)).toEqual([...handedOut, ...handedOut].map((e) => e.id));
  });

  it('retries a failing subscriber with backoff, dead-letters the event, and goes on; a re-drive delivers it again', async () => {
    const conversationId = await newConversation();
    const failing = await accept(conversationId);
    const failingEvent = (
      await db.query<{ id: string }[]>(`SELECT id FROM domain_events WHERE message_id = $1`, [
        failing,
      ])
    )[0].id;
    subscribers.failOn.add(failingEvent);
    const later = await accept(conversationId);

    await drain();
    // the other subscriber is not held up by the failing one
    expect(ours(subscribers.steady).filter((e) => e.streamId === conversationId)).toHaveLength(3);
    // the failing one waits out its backoff in this conversation, without the later event
    expect(ours(subscribers.flaky).map((e) => e.messageId)).toEqual([failing]);
    const [cursor] = await db.query<{ attempts: number; retry_at: Date }[]>(
      `SELECT attempts, retry_at FROM domain_event_cursors WHERE subscriber = 'test.flaky' AND stream_id = $1`,
      [conversationId],
    );
    expect(cursor.attempts).toBe(1);
    expect(cursor.retry_at.getTime()).toBeGreaterThan(Date.now());

    for (let attempt = 2; attempt <= 3; attempt += 1) {
      await db.query(
        `UPDATE domain_event_cursors SET retry_at = now() WHERE subscriber = 'test.flaky' AND stream_id = $1`,
        [conversationId],
      );
      await db.query(`UPDATE domain_event_streams SET available_at = now() WHERE stream_id = $1`, [
        conversationId,
      ]);
      await drain();
    }
    // three attempts, then the dead letter, and the later event goes through
    expect(ours(subscribers.flaky).map((e) => e.messageId)).toEqual([
      failing,
      failing,
      failing,
      later,
    ]);

    const listed = await app.inject({
      method: 'GET',
      url: `/api/v2/messaging/events/dead-letters?tenantId=${tenantId}`,
      headers: adminHeaders,
    });
    expect(listed.statusCode).toBe(200);
    const [deadLetter] = listed.json<{
      items: {
        id: string;
        subscriber: string;
        attempts: number;
        lastError: string;
        event: MessagingEvent;
      }[];
    }>().items;
    expect(deadLetter).toMatchObject({
      subscriber: 'test.flaky',
      attempts: 3,
      lastError: 'Error: refused message.accepted',
      event: { id: failingEvent, type: 'message.accepted', messageId: failing },
    });

    subscribers.failOn.clear();
    subscribers.flaky.length = 0;
    subscribers.steady.length = 0;
    const retried = await app.inject({
      method: 'POST',
      url: '/api/v2/messaging/events/dead-letters/retry',
      headers: adminHeaders,
      payload: { ids: [deadLetter.id, newId()] },
    });
    expect(retried.json()).toEqual({ retried: [deadLetter.id], notRetried: [expect.any(String)] });
    await drain();
    // the event again, and the ones after it in the conversation, in order
    expect(ours(subscribers.flaky).map((e) => e.messageId)).toEqual([failing, later]);
    // the other subscribers had them already and stay where they were
    expect(ours(subscribers.steady).filter((e) => e.streamId === conversationId)).toEqual([]);
    expect((await events.deadLetters({ tenantId, limit: 10 })).map((d) => d.id)).toEqual([]);
  });

  it('keeps one position on the stream when every subscriber stands at the same event, not a row per subscriber', async () => {
    const conversationId = await newConversation();
    await receive(conversationId);
    await accept(conversationId);
    await drain();
    const [stream] = await db.query<
      { settled_seq: string; last_seq: string; subscribers: string[] }[]
    >(
      `SELECT s.settled_seq, s.last_seq, ss.subscribers FROM domain_event_streams s
         JOIN domain_event_subscriber_sets ss ON ss.id = s.settled_set WHERE s.stream_id = $1`,
      [conversationId],
    );
    expect(stream.settled_seq).toBe(stream.last_seq);
    expect(stream.subscribers).toEqual(expect.arrayContaining(['test.flaky', 'test.steady']));
    const rows = await db.query(`SELECT 1 FROM domain_event_cursors WHERE stream_id = $1`, [
      conversationId,
    ]);
    expect(rows).toEqual([]);

    // polled again (a stray wake-up): nothing is delivered twice
    subscribers.reset();
    await db.query(`UPDATE domain_event_streams SET pending = true WHERE stream_id = $1`, [
      conversationId,
    ]);
    await drain();
    expect(ours(subscribers.steady).filter((e) => e.streamId === conversationId)).toEqual([]);
  });

  it("hands a stream's retained events to a subscriber its settled position was not kept for (a newer one)", async () => {
    const conversationId = await newConversation();
    const accepted = await accept(conversationId);
    await drain();
    // settled before test.flaky existed: only test.steady (and the app's own) are in that set
    const others = (
      await db.query<{ subscribers: string[] }[]>(
        `SELECT ss.subscribers FROM domain_event_streams s
           JOIN domain_event_subscriber_sets ss ON ss.id = s.settled_set WHERE s.stream_id = $1`,
        [conversationId],
      )
    )[0].subscribers.filter((name) => name !== 'test.flaky');
    const olderSet = await events.subscriberSet(others);
    await db.query(
      `UPDATE domain_event_streams SET settled_set = $2, pending = true WHERE stream_id = $1`,
      [conversationId, olderSet],
    );
    subscribers.reset();
    await drain();
    expect(ours(subscribers.flaky).map((e) => e.messageId)).toEqual([accepted]);
    expect(ours(subscribers.steady).filter((e) => e.streamId === conversationId)).toEqual([]);
  });

  it('keeps only events a subscriber still needs once they are older than the retention', async () => {
    const delivered = await newConversation();
    await drain();
    const waiting = await newConversation();
    // Recorded 30 days ago: an event's id is a UUIDv7 of when it was recorded.
    const recordedNow = await db.query<{ id: string }[]>(
      `SELECT id FROM domain_events WHERE tenant_id = $1`,
      [tenantId],
    );
    for (const { id } of recordedNow) {
      await db.query(
        `UPDATE domain_events SET id = $2, occurred_at = now() - interval '30 days' WHERE id = $1`,
        [id, v7({ msecs: Date.now() - 30 * 86_400_000 })],
      );
    }
    await app.get(EventRetention).run();
    expect(await recorded('stream_id = $1', [delivered])).toEqual([]);
    expect(await recorded('stream_id = $1', [waiting])).toHaveLength(1);
  });

  it('starts a stream whose events were all removed where it stands, instead of polling it forever', async () => {
    const conversationId = await newConversation();
    await db.query(`DELETE FROM domain_events WHERE stream_id = $1`, [conversationId]);
    await drain();
    const [stream] = await db.query<{ pending: boolean }[]>(
      `SELECT pending FROM domain_event_streams WHERE stream_id = $1`,
      [conversationId],
    );
    expect(stream.pending).toBe(false);
    await receive(conversationId);
    await drain();
    expect(
      ours(subscribers.steady)
        .filter((e) => e.streamId === conversationId)
        .map((e) => e.seq),
    ).toEqual([2]);
  });

  it("hands subscribers each event's account, hub and message kind, read when it is delivered", async () => {
    const conversationId = await newConversation();
    const [{ contact_id: contactId }] = await db.query<{ contact_id: string }[]>(
      `SELECT contact_id FROM conversations WHERE id = $1`,
      [conversationId],
    );
    const inbound = await receive(conversationId);
    const outbound = await accept(conversationId);
    await outcomes.claim(outbound, { id: 'test-worker', leaseMs: 60_000 });
    await messages.markSent(outbound, `out.${outbound}`, new Date());
    await messages.applyStatus(accountId, `out.${outbound}`, 'delivered', new Date());
    const gone = await accept(conversationId);
    await db.query(`DELETE FROM messages WHERE id = $1`, [gone]);
    const accounts = app.get(ChannelAccountsService);
    await accounts.setStatus(accountId, 'needs_reauth');
    await accounts.setStatus(accountId, 'active');
    await db.query(
      `INSERT INTO domain_events (tenant_id, stream_id, type, contact_id) VALUES ($1, $2, 'contact.updated', $2)`,
      [tenantId, contactId],
    );
    const appointmentId = newId();
    await app.get(DomainEventRecorder).record(db, {
      tenantId,
      type: 'appointment.changed',
      streamId: appointmentId,
      contactId,
      status: 'created',
    });
    await drain();

    const carried = (streamId: string) =>
      ours(subscribers.steady)
        .filter((e) => e.streamId === streamId)
        .map((e) => [e.type, e.messageId, e.channelAccountId, e.hub, e.direction, e.messageType]);
    expect(carried(conversationId)).toEqual([
      ['conversation.opened', undefined, accountId, 'whatsapp', undefined, undefined],
      ['message.received', inbound, accountId, 'whatsapp', 'inbound', 'text'],
      ['message.accepted', outbound, accountId, 'whatsapp', 'outbound', 'text'],
      ['message.sent', outbound, accountId, 'whatsapp', 'outbound', 'text'],
      ['message.status_changed', outbound, accountId, 'whatsapp', 'outbound', 'text'],
      // deleted before delivery (retention, erasure): nothing left to say what it was
      ['message.accepted', gone, accountId, 'whatsapp', undefined, undefined],
    ]);
    expect(carried(accountId).slice(-2)).toEqual([
      ['account.status_changed', undefined, accountId, 'whatsapp', undefined, undefined],
      ['account.status_changed', undefined, accountId, 'whatsapp', undefined, undefined],
    ]);
    expect(carried(contactId)).toEqual([
      ['contact.updated', undefined, undefined, undefined, undefined, undefined],
    ]);
    expect(carried(appointmentId)).toEqual([
      ['appointment.changed', undefined, undefined, undefined, undefined, undefined],
    ]);
  });

  describe('polls that go straight on (the delivery loop)', () => {
    const ids = (poll: Poll | undefined) => poll?.streams.map((stream) => stream.streamId) ?? [];
    const seqsOf = (streamId: string) =>
      ours(subscribers.steady)
        .filter((e) => e.streamId === streamId)
        .map((e) => e.seq);

    /** Polls as the loop does, each acknowledgement leasing the next poll, until none is due. */
    const drainOnward = async () => {
      let poll: Poll | undefined = await delivery.lease();
      while (poll?.streams.length) poll = await delivery.deliver(poll, () => true);
    };

    it("acknowledges each poll with the next one's lease, one worker per conversation, in order", async () => {
      const random = seeded(23);
      subscribers.delayMs = () => Math.floor(random() * 4);
      const conversations = await Promise.all(Array.from({ length: 6 }, () => newConversation()));
      const onward = jest.spyOn(events, 'acknowledgeAndLease');
      await receiveWithTwoWorkers(conversations, async (recording) => {
        let poll: Poll | undefined = await delivery.lease();
        while (poll) {
          if (poll.streams.length) poll = await delivery.deliver(poll, recording);
          else if (!recording()) poll = undefined;
          else {
            await new Promise((r) => setTimeout(r, 5));
            poll = await delivery.lease();
          }
        }
      });
      await drainOnward();

      expect(onward).toHaveBeenCalled();
      onward.mockRestore();
      for (const conversationId of conversations) {
        expect(seqsOf(conversationId)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      }
      expect(subscribers.overlaps).toBe(0);
    });

    it('delivers again only the poll whose acknowledgement never came, not the one acknowledged with its lease', async () => {
      const first = await newConversation();
      await receive(first);
      const firstPoll = await delivery.lease();
      expect(ids(firstPoll)).toContain(first);
      const second = await newConversation();
      await receive(second);
      const secondPoll = await delivery.deliver(firstPoll, () => true);
      expect(ids(secondPoll)).toContain(second);
      const onward = jest
        .spyOn(events, 'acknowledgeAndLease')
        .mockRejectedValueOnce(new Error('worker killed before acknowledging'));
      await expect(delivery.deliver(secondPoll as Poll, () => true)).rejects.toThrow(
        'worker killed',
      );
      onward.mockRestore();

      await db.query(`UPDATE domain_event_streams SET available_at = now() WHERE stream_id = $1`, [
        second,
      ]);
      await drainOnward();
      expect(seqsOf(first)).toEqual([1, 2]);
      expect(seqsOf(second)).toEqual([1, 2, 1, 2]);
      const streams = await db.query<{ leased_by: string | null; settled: boolean }[]>(
        `SELECT leased_by, settled_seq = last_seq AS settled FROM domain_event_streams
          WHERE stream_id = ANY($1) ORDER BY stream_id = $2 DESC`,
        [[first, second], first],
      );
      expect(streams).toEqual([
        { leased_by: null, settled: true },
        { leased_by: null, settled: true },
      ]);
    });

    it('leaves a stream another worker took over to it: neither released by the late acknowledgement nor leased again', async () => {
      const conversationId = await newConversation();
      const slow = await delivery.lease();
      expect(ids(slow)).toContain(conversationId);
      // the slow worker's lease lapses and another worker takes the conversation
      await db.query(`UPDATE domain_event_streams SET available_at = now() WHERE stream_id = $1`, [
        conversationId,
      ]);
      const other = await delivery.lease();
      expect(ids(other)).toContain(conversationId);
      await receive(conversationId);

      const slowNext = await delivery.deliver(slow, () => true);
      expect(ids(slowNext)).not.toContain(conversationId);
      const [stream] = await db.query<{ leased_by: string; settled_seq: string | null }[]>(
        `SELECT leased_by, settled_seq FROM domain_event_streams WHERE stream_id = $1`,
        [conversationId],
      );
      expect(stream).toEqual({ leased_by: other.request.token, settled_seq: null });

      // the other worker delivers from the stored positions (the slow one's were not kept)
      let poll = await delivery.deliver(other, () => true);
      if (slowNext?.streams.length) await delivery.deliver(slowNext, () => false);
      while (poll?.streams.length) poll = await delivery.deliver(poll, () => true);
      expect(seqsOf(conversationId)).toEqual([1, 1, 2]);
    });

    it('leases at once a stream its own acknowledgement released with events recorded meanwhile', async () => {
      const conversationId = await newConversation();
      const poll = await delivery.lease();
      expect(ids(poll)).toContain(conversationId);
      await receive(conversationId);
      let next = await delivery.deliver(poll, () => true);
      while (next?.streams.length) next = await delivery.deliver(next, () => true);
      expect(seqsOf(conversationId)).toEqual([1, 2]);
    });

    it('holds up neither other conversations nor other subscribers for a subscriber failing in one', async () => {
      const stuck = await newConversation();
      const failing = await accept(stuck);
      const [{ id: failingEvent }] = await db.query<{ id: string }[]>(
        `SELECT id FROM domain_events WHERE message_id = $1`,
        [failing],
      );
      subscribers.failOn.add(failingEvent);
      const flowing = await newConversation();
      const passing = await accept(flowing);
      await drainOnward();
      const later = await accept(stuck);
      const alsoPassing = await accept(flowing);
      await drainOnward();

      expect(ours(subscribers.flaky).map((e) => e.messageId)).toEqual([
        failing,
        passing,
        alsoPassing,
      ]);
      expect(seqsOf(stuck)).toEqual([1, 2, 3]);
      expect(
        ours(subscribers.steady)
          .filter((e) => e.streamId === stuck)
          .map((e) => e.messageId),
      ).toEqual([undefined, failing, later]);
    });

    it('acknowledges a finished poll alone when the loop is stopping, leasing nothing more', async () => {
      const conversationId = await newConversation();
      const poll = await delivery.lease();
      expect(ids(poll)).toContain(conversationId);
      const onward = jest.spyOn(events, 'acknowledgeAndLease');
      expect(await delivery.deliver(poll, () => false)).toBeUndefined();
      expect(onward).not.toHaveBeenCalled();
      onward.mockRestore();
      const [stream] = await db.query<{ leased_by: string | null; settled: boolean }[]>(
        `SELECT leased_by, settled_seq = last_seq AS settled FROM domain_event_streams WHERE stream_id = $1`,
        [conversationId],
      );
      expect(stream).toEqual({ leased_by: null, settled: true });
      expect(seqsOf(conversationId)).toEqual([1]);
    });
  });
});
