import { DomainEventRecorder } from '@app/messaging/events/domain-event-recorder';
import type { AddressInfo, Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { REDIS } from '@core/redis/redis.module';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { SendOutcomesRepository } from '@app/messaging/messages/send-outcomes.repository';
import type { LiveEvent } from '@app/live-events/live-event';
import { TenantEventLog } from '@app/live-events/tenant-event-log';
import { eventually } from '@test/support/eventually';
import { SseTestClient } from '@test/support/sse-test-client';
import { createTenant, createTestApp, metricsHeaders, TestTenant } from '@test/support/test-app';

interface Received {
  eventId: string;
  type: string;
  conversationId?: string;
  messageId?: string;
  channelAccountId?: string;
  status?: string;
  errorCode?: string;
  sseId: string;
}

const MAX_CONNECTIONS = 3;
const MAX_BUFFER_BYTES = 65_536;

/**
 * The frontend's live stream across two pods: `api` serves the streams and runs no worker;
 * `worker` writes the messages and delivers the messaging event stream, whose live-events
 * subscriber appends to the tenant's Redis stream. Nothing passes between them but Redis.
 */
describe('Live events stream (SSE)', () => {
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let base: string;
  const open: SseTestClient[] = [];

  beforeAll(async () => {
    api = await createTestApp({
      APP_ROLE: 'api',
      LIVE_EVENTS_TICKET_TTL_SECONDS: '5',
      LIVE_EVENTS_HEARTBEAT_SECONDS: '1',
      LIVE_EVENTS_MAX_BUFFER_BYTES: String(MAX_BUFFER_BYTES),
      LIVE_EVENTS_MAX_CONNECTIONS_PER_TENANT: String(MAX_CONNECTIONS),
    });
    await api.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    worker = await createTestApp({ APP_ROLE: 'worker', MESSAGING_EVENTS_POLL_INTERVAL_MS: '50' });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseTestClient.open(`${base}${path}`, headers);
    open.push(client);
    return client;
  };

  /** A conversation on a fresh account of the tenant, written by the worker pod. */
  const conversationOf = async (tenant: TestTenant) => {
    const accountId = newId();
    await worker.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'whatsapp', 'live-test', $3, $3, 'unused')`,
      [accountId, tenant.id, `live-${accountId}`],
    );
    const contactId = await worker
      .get(ContactsService)
      .resolve(tenant.id, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    const conversationId = await worker
      .get(ConversationsService)
      .touch(tenant.id, accountId, contactId, new Date(), 'inbound');
    return { tenantId: tenant.id, accountId, conversationId, contactId };
  };

  const receive = async (at: { tenantId: string; accountId: string; conversationId: string }) => {
    const id = newId();
    await worker.get(MessagesRepository).insertInbound({
      id,
      tenantId: at.tenantId,
      conversationId: at.conversationId,
      channelAccountId: at.accountId,
      provider: 'live-test',
      providerMessageId: `in.${id}`,
      type: 'text',
      content: { text: 'never on the wire' },
      platformTimestamp: new Date(),
    });
    return id;
  };

  it("shows a client on the api pod, in order, a conversation's events a worker pod processed", async () => {
    const tenant = await createTenant(api);
    const client = await connect('/api/v2/events/stream', tenant.headers);
    expect(client.status).toBe(200);
    expect(client.contentType).toContain('text/event-stream');

    const at = await conversationOf(tenant);
    const inbound = await receive(at);
    const messages = worker.get(MessagesRepository);
    const { id: outbound } = await messages.insertOutbound({
      id: newId(),
      tenantId: tenant.id,
      conversationId: at.conversationId,
      channelAccountId: at.accountId,
      provider: 'live-test',
      type: 'text',
      content: { text: 'never on the wire', to: '+5511900000000' },
    });
    await worker
      .get(SendOutcomesRepository)
      .claim(outbound, { id: 'test-worker', leaseMs: 60_000 });
    await messages.markSent(outbound, `out.${outbound}`, new Date());
    await messages.applyStatus(at.accountId, `out.${outbound}`, 'delivered', new Date());
    await messages.applyStatus(at.accountId, `out.${outbound}`, 'failed', new Date(), {
      code: 'WHATSAPP.131026',
      title: 'Undeliverable',
    });

    await client.until((c) => c.events().length >= 6);
    const events = client.events<Received>();
    expect(events.map((e) => [e.type, e.messageId, e.status, e.errorCode])).toEqual([
      ['conversation.opened', undefined, undefined, undefined],
      ['message.received', inbound, 'received', undefined],
      ['message.accepted', outbound, 'queued', undefined],
      ['message.sent', outbound, 'sent', undefined],
      ['message.status_changed', outbound, 'delivered', undefined],
      ['message.status_changed', outbound, 'failed', 'WHATSAPP.131026'],
    ]);
    expect(events.every((e) => e.conversationId === at.conversationId)).toBe(true);
    expect(events.every((e) => e.channelAccountId === at.accountId)).toBe(true);
    expect(events.every((e) => e.sseEvent === e.type)).toBe(true);
    expect(JSON.stringify(client.messages)).not.toContain('never on the wire');
  });

  it('replays exactly the missed events to a client reconnecting with Last-Event-ID, then goes on live', async () => {
    const tenant = await createTenant(api);
    const first = await connect('/api/v2/events/stream', tenant.headers);
    const at = await conversationOf(tenant);
    await receive(at);
    await first.until((c) => c.events().length === 2);
    const seen = first.events<Received>();
    first.close();

    // missed while away; a second client proves they reached the tenant's stream
    const witness = await connect('/api/v2/events/stream', tenant.headers);
    const missed = [await receive(at), await receive(at), await receive(at)];
    await witness.until((c) => c.events().length === 3);

    const again = await connect('/api/v2/events/stream', {
      ...tenant.headers,
      'last-event-id': seen[1].sseId,
    });
    await again.until((c) => c.events().length === 3);
    expect(again.events<Received>().map((e) => e.messageId)).toEqual(missed);
    expect(again.events<Received>().map((e) => e.sseId)).toEqual(
      witness.events<Received>().map((e) => e.sseId),
    );

    const live = await receive(at);
    await again.until((c) => c.events().length === 4);
    expect(again.events<Received>()[3].messageId).toBe(live);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.events()).toHaveLength(4);
  });

  it('tells a client to resync when the events it missed are no longer kept', async () => {
    const tenant = await createTenant(api);
    const first = await connect('/api/v2/events/stream', tenant.headers);
    const at = await conversationOf(tenant);
    await receive(at);
    await receive(at);
    await first.until((c) => c.events().length === 3);
    const [oldest] = first.events<Received>();
    // what retention does after LIVE_EVENTS_RETENTION_HOURS
    await api.get<Redis>(REDIS).xtrim(api.get(TenantEventLog).key(tenant.id), 'MAXLEN', 1);

    const stale = await connect('/api/v2/events/stream', {
      ...tenant.headers,
      'last-event-id': oldest.sseId,
    });
    await stale.until((c) => c.messages.some((m) => m.event === 'resync'));
    expect(stale.messages[0]).toEqual({
      event: 'resync',
      data: JSON.stringify({ reason: 'events-expired' }),
    });
    const live = await receive(at);
    await stale.until((c) => c.events().length === 1);
    expect(stale.events<Received>()[0].messageId).toBe(live);
  });

  it("streams a channel account's status changes (needs re-auth, disconnected) with its id", async () => {
    const tenant = await createTenant(api);
    const client = await connect(
      '/api/v2/events/stream?types=account.status_changed',
      tenant.headers,
    );
    const { accountId } = await conversationOf(tenant);
    const accounts = worker.get(ChannelAccountsService);
    await accounts.setStatus(accountId, 'needs_reauth');
    await accounts.setStatus(accountId, 'disconnected');

    await client.until((c) => c.events().length === 2);
    expect(client.events<Received>().map((e) => [e.type, e.channelAccountId, e.status])).toEqual([
      ['account.status_changed', accountId, 'needs_reauth'],
      ['account.status_changed', accountId, 'disconnected'],
    ]);
  });

  it('streams appointment changes with the appointment and contact ids', async () => {
    const tenant = await createTenant(api);
    const client = await connect('/api/v2/events/stream?types=appointment.changed', tenant.headers);
    const appointmentId = newId();
    const { contactId } = await conversationOf(tenant);
    // As the calendar sync records a change it found at Google.
    await worker.get(DomainEventRecorder).record(worker.get(DataSource), {
      tenantId: tenant.id,
      streamId: appointmentId,
      type: 'appointment.changed',
      contactId,
      status: 'moved',
    });

    await client.until((c) => c.events().length === 1);
    expect(client.events<Received>()[0]).toMatchObject({
      type: 'appointment.changed',
      appointmentId,
      contactId,
      status: 'moved',
    });
  });

  it("never shows a tenant another tenant's events", async () => {
    const tenantA = await createTenant(api);
    const tenantB = await createTenant(api);
    const clientB = await connect('/api/v2/events/stream', tenantB.headers);
    const atA = await conversationOf(tenantA);
    await receive(atA);
    await receive(atA);
    const atB = await conversationOf(tenantB);
    const own = await receive(atB);

    await clientB.until((c) => c.events().length === 2);
    // tenant A's events were recorded before B's, so they would have arrived by now
    const seenByB = clientB.events<Received>();
    expect(seenByB.map((e) => e.conversationId)).toEqual([atB.conversationId, atB.conversationId]);
    expect(seenByB[1].messageId).toBe(own);
  });

  it('filters by conversation, account and type', async () => {
    const tenant = await createTenant(api);
    const one = await conversationOf(tenant);
    const other = await conversationOf(tenant);
    const byConversation = await connect(
      `/api/v2/events/stream?conversationIds=${one.conversationId}&types=message.received`,
      tenant.headers,
    );
    const byAccount = await connect(
      `/api/v2/events/stream?channelAccountIds=${other.accountId}`,
      tenant.headers,
    );
    await receive(other);
    const wanted = await receive(one);
    await receive(other);

    await byConversation.until((c) => c.events().length === 1);
    // the conversations' own `opened` events may arrive before or after the streams open
    const received = (c: SseTestClient) =>
      c.events<Received>().filter((e) => e.type === 'message.received');
    await byAccount.until((c) => received(c).length === 2);
    expect(byConversation.events<Received>()[0].messageId).toBe(wanted);
    expect(byAccount.events<Received>().every((e) => e.channelAccountId === other.accountId)).toBe(
      true,
    );
  });

  it('opens a stream with a ticket once, bound to its tenant and filters, and not after it expires', async () => {
    const tenant = await createTenant(api);
    const at = await conversationOf(tenant);
    const issue = () =>
      api.inject({
        method: 'POST',
        url: '/api/v2/events/tickets',
        headers: tenant.headers,
        payload: { types: ['message.received'] },
      });
    const issued = await issue();
    expect(issued.statusCode).toBe(201);
    const { ticket } = issued.json<{ ticket: string }>();

    const client = await connect(`/api/v2/events/stream?ticket=${ticket}`);
    expect(client.status).toBe(200);
    const message = await receive(at);
    await client.until((c) => c.events().length === 1);
    expect(client.events<Received>()[0]).toMatchObject({
      type: 'message.received',
      messageId: message,
    });

    const reused = await connect(`/api/v2/events/stream?ticket=${ticket}`);
    expect(reused.status).toBe(401);
    await reused.until((c) => c.ended);
    expect(JSON.parse(reused.body())).toMatchObject({ code: 'LIVE_EVENTS.INVALID_TICKET' });

    const late = (await issue()).json<{ ticket: string }>().ticket;
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const expired = await connect(`/api/v2/events/stream?ticket=${late}`);
    expect(expired.status).toBe(401);

    const none = await connect('/api/v2/events/stream');
    expect(none.status).toBe(401);
  }, 20_000);

  it('appends events handed over together in one call, each once, in order per tenant', async () => {
    const [first, second] = [await createTenant(api), await createTenant(api)];
    const log = api.get(TenantEventLog);
    const event = (type: LiveEvent['type']): LiveEvent => ({
      eventId: newId(),
      type,
      occurredAt: new Date().toISOString(),
    });
    const [opened, received, other] = [
      event('conversation.opened'),
      event('message.received'),
      event('message.received'),
    ];
    const commands = jest.spyOn(api.get<Redis>(REDIS), 'sendCommand');

    // Handed over at once, as a delivery poll's streams are; `opened` twice (a redelivery).
    const ids = await Promise.all([
      log.append(first.id, opened),
      log.append(second.id, other),
      log.append(first.id, opened),
      log.append(first.id, received),
    ]);
    const later = await log.append(first.id, received);
    const appendCalls = commands.mock.calls.filter(([command]) =>
      (command as unknown as { args: unknown[] }).args.some((arg) =>
        String(arg).includes(':seen:'),
      ),
    );
    commands.mockRestore();

    expect(ids[0]).toEqual(expect.any(String));
    expect(ids[2]).toBeNull();
    expect(later).toBeNull();
    expect(appendCalls).toHaveLength(2);
    const entries = await log.after(first.id, '0-0', 10);
    expect(entries.map((e) => e.event.eventId)).toEqual([opened.eventId, received.eventId]);
    expect(entries.map((e) => e.id)).toEqual([ids[0], ids[3]]);
    expect((await log.after(second.id, '0-0', 10)).map((e) => e.id)).toEqual([ids[1]]);
  });

  it('drops a client that stops reading, with the others unaffected and its buffer bounded', async () => {
    const tenant = await createTenant(api);
    // The api pod's side of every connection made from here on: what it holds unsent per socket.
    const sockets: Socket[] = [];
    const track = (socket: Socket) => sockets.push(socket);
    api.getHttpServer().on('connection', track);
    const reader = await connect('/api/v2/events/stream', tenant.headers);
    const stalled = await connect('/api/v2/events/stream', tenant.headers);
    (stalled as unknown as { response: { pause(): void } }).response.pause();

    // big entries straight into the tenant's stream fill the socket buffers fast
    const log = api.get(TenantEventLog);
    const count = 400;
    let mostHeld = 0;
    const sampler = setInterval(() => {
      for (const socket of sockets) mostHeld = Math.max(mostHeld, socket.writableLength);
    }, 2);
    for (let i = 0; i < count; i += 1) {
      await log.append(tenant.id, {
        eventId: newId(),
        type: 'message.status_changed',
        occurredAt: new Date().toISOString(),
        status: 'failed',
        errorCode: `X.${'9'.repeat(20_000)}`,
      });
    }
    await reader.until((c) => c.events().length === count, 30_000);
    clearInterval(sampler);
    api.getHttpServer().off('connection', track);
    // 8 MB went to the tenant; the pod never held more for one socket than the limit and the
    // frames of the write that crossed it (one entry of ~20 kB, then the close event): the
    // process does not grow with a client that does not read.
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThan(MAX_BUFFER_BYTES + 2 * 21_000);
    await eventually(async () => {
      const metrics = await api.inject({ url: '/metrics', headers: metricsHeaders });
      expect(metrics.body).toMatch(
        /live_events_clients_dropped_total\{reason="slow-consumer"\} 1\b/,
      );
    });
    // its socket was destroyed rather than left holding the unread events
    (stalled as unknown as { response: { resume(): void } }).response.resume();
    await stalled.until((c) => c.ended);
    expect(stalled.events().length).toBeLessThan(count);
  }, 60_000);

  it('answers 429 problem+json beyond the tenant connection limit, and admits again after a close', async () => {
    const tenant = await createTenant(api);
    const streams = [];
    for (let i = 0; i < MAX_CONNECTIONS; i += 1) {
      streams.push(await connect('/api/v2/events/stream', tenant.headers));
    }
    expect(streams.map((s) => s.status)).toEqual(Array(MAX_CONNECTIONS).fill(200));

    const refused = await connect('/api/v2/events/stream', tenant.headers);
    expect(refused.status).toBe(429);
    await refused.until((c) => c.ended);
    expect(JSON.parse(refused.body())).toMatchObject({
      status: 429,
      code: 'LIVE_EVENTS.TOO_MANY_STREAMS',
    });
    // another tenant is not affected
    const other = await createTenant(api);
    expect((await connect('/api/v2/events/stream', other.headers)).status).toBe(200);

    streams[0].close();
    await eventually(async () => {
      const next = await connect('/api/v2/events/stream', tenant.headers);
      expect(next.status).toBe(200);
    });
  });

  it('sends heartbeats on an idle stream', async () => {
    const tenant = await createTenant(api);
    const client = await connect('/api/v2/events/stream', tenant.headers);
    await client.until((c) => c.heartbeats >= 1, 5_000);
  });

  it('ends every stream with a close event when the pod shuts down', async () => {
    const pod = await createTestApp({ APP_ROLE: 'api' });
    await pod.listen(0, '127.0.0.1');
    const port = (pod.getHttpServer().address() as AddressInfo).port;
    const tenant = await createTenant(pod);
    const client = await SseTestClient.open(
      `http://127.0.0.1:${port}/api/v2/events/stream`,
      tenant.headers,
    );
    await pod.close();
    await client.until((c) => c.ended);
    expect(client.messages.at(-1)).toEqual({
      event: 'close',
      data: JSON.stringify({ reason: 'server-shutdown' }),
    });
  });
});
