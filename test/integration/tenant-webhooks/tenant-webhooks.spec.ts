import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { DomainEventRecorder } from '@app/messaging/events/domain-event-recorder';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { WebhookReceiverFake, Answer } from '@test/fakes/webhook-receiver/webhook-receiver';
import { eventually } from '@test/support/eventually';
import type { StaticHostResolver } from '@test/support/static-host-resolver';
import { createTenant, TestTenant } from '@test/support/test-app';
import { createWebhooksTestApp } from './tenant-webhooks-harness';

const TIMEOUT_MS = 2_000;
const RETRY_BASE_DELAY_MS = 50;

/**
 * Tenant webhooks end to end: the real app (workers and the event stream running) delivering
 * to a local HTTPS receiver that verifies signatures with the README recipe.
 */
describe('Tenant webhooks', () => {
  let app: NestFastifyApplication;
  let receiver: WebhookReceiverFake;
  let tenant: TestTenant;
  let other: TestTenant;
  let hosts: StaticHostResolver;

  beforeAll(async () => {
    receiver = await WebhookReceiverFake.start();
    ({ app, hosts } = await createWebhooksTestApp({
      APP_ROLE: 'all',
      OUTBOUND_URL_ALLOWLIST: 'receiver.test',
      WEBHOOKS_RETRY_BASE_DELAY_MS: String(RETRY_BASE_DELAY_MS),
      WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOKS_DISABLE_AFTER_FAILURES: '2',
      WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION: '2',
    }));
    tenant = await createTenant(app);
    other = await createTenant(app);
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  const subscribe = async (
    who: TestTenant,
    path: string,
    answers: Answer[],
    eventTypes = ['message.received'],
  ): Promise<string> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: who.headers,
      payload: { url: receiver.url(path), eventTypes },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ id: string; secret: string }>();
    receiver.script(path, body.secret, answers);
    return body.id;
  };

  const ping = async (who: TestTenant, webhookId: string) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${webhookId}/test`,
      headers: who.headers,
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string; eventId: string }>();
  };

  const deliveries = async (who: TestTenant, webhookId: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/v2/webhooks/${webhookId}/deliveries`,
        headers: who.headers,
      })
    ).json<{ items: { id: string; status: string; attempts: number; lastStatusCode: number }[] }>()
      .items;

  it('delivers appointment.changed that another module recorded, with the appointment id only', async () => {
    await subscribe(tenant, '/appointments', [200], ['appointment.changed']);
    const appointmentId = newId();
    const contactId = newId();
    const db = app.get(DataSource);
    await db.transaction((tx) =>
      app.get(DomainEventRecorder).record(tx, {
        tenantId: tenant.id,
        type: 'appointment.changed',
        streamId: appointmentId,
        contactId,
        status: 'moved',
      }),
    );

    await eventually(() => Promise.resolve(expect(receiver.at('/appointments')).toHaveLength(1)));
    const [delivery] = receiver.at('/appointments');
    expect(delivery.verified).toBe(true);
    expect(delivery.body).toMatchObject({
      type: 'appointment.changed',
      data: { appointmentId, contactId, status: 'moved' },
    });
  });

  it("delivers an account's status events to a subscription filtered to that account, QR updates included", async () => {
    const insertAccount = async () => {
      const id = newId();
      await app.get(DataSource).query(
        `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
           VALUES ($1, $2, 'whatsapp', 'webhooks-test', $3, $3, 'unused')`,
        [id, tenant.id, `hooks-${id}`],
      );
      return id;
    };
    const watched = await insertAccount();
    const unwatched = await insertAccount();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: tenant.headers,
      payload: {
        url: receiver.url('/account-events'),
        eventTypes: ['account.status_changed'],
        channelAccountIds: [watched],
      },
    });
    expect(created.statusCode).toBe(201);
    receiver.script('/account-events', created.json<{ secret: string }>().secret, [200]);
    const accounts = app.get(ChannelAccountsService);
    await accounts.setStatus(unwatched, 'disconnected');
    await accounts.recordQrUpdated(watched);
    await accounts.setStatus(watched, 'disconnected');

    await eventually(() => Promise.resolve(expect(receiver.at('/account-events')).toHaveLength(2)));
    // Two deliveries of one subscription may be in flight at once: their order is not promised.
    const statuses = receiver.at('/account-events').map((r) => r.body.data);
    expect(statuses).toHaveLength(2);
    expect(statuses).toEqual(
      expect.arrayContaining([
        { channelAccountId: watched, status: 'qr_updated' },
        { channelAccountId: watched, status: 'disconnected' },
      ]),
    );
  });

  it('lets no other module record a messaging event', async () => {
    await expect(
      app.get(DomainEventRecorder).record(app.get(DataSource), {
        tenantId: tenant.id,
        type: 'message.received' as 'appointment.changed',
        streamId: newId(),
        status: 'received',
      }),
    ).rejects.toThrow('message.received is not an event other modules may record');
  });

  it('delivers a messaging event once, signed so the documented recipe verifies it', async () => {
    const webhookId = await subscribe(tenant, '/events', [200]);
    const accountId = newId();
    await app.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'whatsapp', 'webhooks-test', $3, $3, 'unused')`,
      [accountId, tenant.id, `hooks-${accountId}`],
    );
    const contactId = await app
      .get(ContactsService)
      .resolve(tenant.id, [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }]);
    const conversationId = await app
      .get(ConversationsService)
      .touch(tenant.id, accountId, contactId, new Date(), 'inbound');
    const messageId = newId();
    await app.get(MessagesRepository).insertInbound({
      id: messageId,
      tenantId: tenant.id,
      conversationId,
      channelAccountId: accountId,
      provider: 'webhooks-test',
      providerMessageId: `in.${messageId}`,
      type: 'text',
      content: { text: 'never in a webhook' },
      platformTimestamp: new Date(),
    });

    await eventually(() => Promise.resolve(expect(receiver.at('/events')).toHaveLength(1)), 15_000);
    const [delivery] = receiver.at('/events');
    expect(delivery.verified).toBe(true);
    expect(delivery.headers['omnihub-webhook-id']).toBe(delivery.body.id);
    // Connected to the address the name resolved to, yet TLS and Host still name the host.
    expect(delivery.headers.host).toBe(`receiver.test:${receiver.port}`);
    expect(delivery.body).toMatchObject({
      type: 'message.received',
      data: { channelAccountId: accountId, conversationId, messageId },
    });
    expect(JSON.stringify(delivery.body)).not.toContain('never in a webhook');
    await eventually(async () =>
      expect(await deliveries(tenant, webhookId)).toEqual([
        expect.objectContaining({ status: 'succeeded', attempts: 1, lastStatusCode: 200 }),
      ]),
    );
  });

  it('retries a receiver answering 500 three times and delivers the event once it answers 200', async () => {
    const webhookId = await subscribe(tenant, '/flaky', [500, 500, 500, 200]);
    const { eventId } = await ping(tenant, webhookId);

    await eventually(async () =>
      expect(await deliveries(tenant, webhookId)).toEqual([
        expect.objectContaining({ status: 'succeeded', attempts: 4, lastStatusCode: 200 }),
      ]),
    );
    const seen = receiver.at('/flaky');
    expect(seen.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(seen.map((r) => r.body.id))).toEqual(new Set([eventId]));
    // After backoff: each retry waited at least its nominal delay (50, 100, 200 ms) less the
    // 20 % jitter. Lower bounds only: a slow machine makes the gaps longer, never shorter.
    const gaps = seen.slice(1).map((r, i) => r.at - seen[i].at);
    expect(gaps.map((gap, i) => gap >= RETRY_BASE_DELAY_MS * 2 ** i * 0.8)).toEqual([
      true,
      true,
      true,
    ]);
    expect(seen.every((r) => r.verified)).toBe(true);
  });

  it('disables a subscription whose receiver answers 410 after the configured failures', async () => {
    const webhookId = await subscribe(tenant, '/gone', [410]);
    await ping(tenant, webhookId);
    await eventually(async () =>
      expect((await deliveries(tenant, webhookId))[0]).toMatchObject({ status: 'failed' }),
    );
    await ping(tenant, webhookId);

    await eventually(async () => {
      const view = (
        await app.inject({ url: `/api/v2/webhooks/${webhookId}`, headers: tenant.headers })
      ).json<{ active: boolean; disabledReason: string | null }>();
      expect(view).toMatchObject({ active: false, disabledReason: expect.stringContaining('410') });
    });
    // A 410 is permanent: each delivery was tried once.
    expect(receiver.at('/gone').map((r) => r.status)).toEqual([410, 410]);

    // The tenant hears of it once, and turning the subscription back on ends the alert.
    const alerts = () =>
      app
        .get(DataSource)
        .query(`SELECT type, status, occurrences FROM alerts WHERE subject = $1`, [
          `tenant-webhooks/${webhookId}`,
        ]);
    // Raised just after the subscription is disabled, by the worker.
    await eventually(async () =>
      expect(await alerts()).toEqual([
        { type: 'webhook.disabled', status: 'firing', occurrences: 1 },
      ]),
    );
    const enabled = await app.inject({
      method: 'PATCH',
      url: `/api/v2/webhooks/${webhookId}`,
      headers: tenant.headers,
      payload: { active: true },
    });
    expect(enabled.statusCode).toBe(200);
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'resolved' })]);
  });

  it("does not let a receiver that never answers delay another tenant's deliveries", async () => {
    const deadId = await subscribe(other, '/dead', ['hang']);
    const deadStarted = Date.now();
    for (let i = 0; i < 6; i += 1) await ping(other, deadId);
    await eventually(() =>
      Promise.resolve(expect(receiver.at('/dead').length).toBeGreaterThanOrEqual(2)),
    );

    const liveId = await subscribe(tenant, '/live', [200]);
    const liveStarted = Date.now();
    await ping(tenant, liveId);
    await eventually(() => Promise.resolve(expect(receiver.at('/live')).toHaveLength(1)));
    const liveLatency = receiver.at('/live')[0].at - liveStarted;

    // The dead receiver's deliveries end by timeout, never sooner.
    await eventually(async () =>
      expect((await deliveries(other, deadId)).some((d) => d.attempts > 0)).toBe(true),
    );
    const deadLatency = Date.now() - deadStarted;
    expect(deadLatency).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(liveLatency).toBeLessThan(TIMEOUT_MS / 2);
    // Per-subscription slots: never more than 2 of the dead receiver's calls at once. Two
    // arrive together; a later one only once a slot freed, i.e. a call timed out.
    const deadArrivals = receiver
      .at('/dead')
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const afterASlotFreed = deadArrivals[0] + TIMEOUT_MS - 50;
    expect(deadArrivals.slice(2).every((at) => at >= afterASlotFreed)).toBe(true);
  });

  it('refuses a private-range URL at creation with a 400 naming url', async () => {
    const literal = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: tenant.headers,
      payload: { url: 'https://10.0.0.5/hook', eventTypes: ['message.received'] },
    });
    expect(literal.statusCode).toBe(400);
    expect(literal.json<{ errors: { field: string }[] }>().errors).toEqual([
      expect.objectContaining({ field: 'url' }),
    ]);

    // A public-looking name whose DNS points at the cloud metadata service.
    hosts.set('metadata.example.org', ['169.254.169.254']);
    const metadata = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: tenant.headers,
      payload: { url: 'https://metadata.example.org/hook', eventTypes: ['message.received'] },
    });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      {
        field: 'url',
        message: expect.stringContaining(
          'metadata.example.org resolves to a link-local (cloud metadata) address',
        ),
      },
    ]);
  });

  it('refuses a delivery to a name that resolved to a public address at creation and to loopback at delivery', async () => {
    // A rebinding DNS server: public for the check at creation, loopback from then on. The
    // name is not allow-listed, so it is held to the public-address rule.
    const host = `rebind-${randomUUID().slice(0, 8)}.example.net`;
    hosts.answerInTurn(host, [['93.184.215.14'], ['127.0.0.1']]);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/webhooks',
      headers: tenant.headers,
      payload: { url: `https://${host}/hook`, eventTypes: ['message.received'] },
    });
    expect(created.statusCode).toBe(201);
    const webhookId = created.json<{ id: string }>().id;
    await ping(tenant, webhookId);

    await eventually(async () =>
      expect(await deliveries(tenant, webhookId)).toEqual([
        expect.objectContaining({
          status: 'failed',
          attempts: 1,
          lastStatusCode: null,
          lastError: `MEDIA.LINK_REFUSED: tenant-webhooks deliver: webhook URL host ${host} resolves to a loopback address`,
        }),
      ]),
    );
    // One answer for the check at creation and one for the delivery's connection: the
    // connection used the answer that was judged, never a second one.
    expect(hosts.asked.filter((asked) => asked === host)).toHaveLength(2);
  });

  it('refuses a delivery when any address of the name is private, IPv4-mapped IPv6 and unique-local included', async () => {
    for (const addresses of [
      ['93.184.215.14', '::ffff:10.0.0.7'],
      ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', 'fd00:ec2::254'],
    ]) {
      const host = `mixed-${randomUUID().slice(0, 8)}.example.net`;
      hosts.answerInTurn(host, [['93.184.215.14'], addresses]);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v2/webhooks',
        headers: tenant.headers,
        payload: { url: `https://${host}/hook`, eventTypes: ['message.received'] },
      });
      const webhookId = created.json<{ id: string }>().id;
      await ping(tenant, webhookId);
      await eventually(async () =>
        expect((await deliveries(tenant, webhookId))[0]).toMatchObject({
          status: 'failed',
          lastError: expect.stringMatching(
            new RegExp(`host ${host} resolves to a (private, embedded in IPv6|unique-local)`),
          ),
        }),
      );
    }
  });

  it("answers 404 for another tenant's subscription", async () => {
    const webhookId = await subscribe(tenant, '/private', [200]);
    for (const [method, url] of [
      ['GET', `/api/v2/webhooks/${webhookId}`],
      ['DELETE', `/api/v2/webhooks/${webhookId}`],
      ['GET', `/api/v2/webhooks/${webhookId}/deliveries`],
      ['POST', `/api/v2/webhooks/${webhookId}/test`],
    ] as const) {
      const response = await app.inject({ method, url, headers: other.headers });
      expect(response.statusCode).toBe(404);
    }
  });

  it('redelivers a delivery under the same event id, and hides the secret after creation', async () => {
    const webhookId = await subscribe(tenant, '/again', [200]);
    const { id, eventId } = await ping(tenant, webhookId);
    await eventually(() => Promise.resolve(expect(receiver.at('/again')).toHaveLength(1)));
    expect(receiver.at('/again')[0].body).toMatchObject({ type: 'webhook.ping', id: eventId });
    await eventually(async () =>
      expect((await deliveries(tenant, webhookId))[0]).toMatchObject({ status: 'succeeded' }),
    );

    const redeliver = await app.inject({
      method: 'POST',
      url: `/api/v2/webhooks/${webhookId}/deliveries/${id}/redeliver`,
      headers: tenant.headers,
    });
    expect(redeliver.statusCode).toBe(202);
    await eventually(() => Promise.resolve(expect(receiver.at('/again')).toHaveLength(2)));
    expect(receiver.at('/again').map((r) => r.body.id)).toEqual([eventId, eventId]);
    expect(receiver.at('/again').every((r) => r.verified)).toBe(true);

    const view = await app.inject({
      url: `/api/v2/webhooks/${webhookId}`,
      headers: tenant.headers,
    });
    expect(view.json()).not.toHaveProperty('secret');
  });
});
