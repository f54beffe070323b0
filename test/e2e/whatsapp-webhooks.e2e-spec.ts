import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import {
  MetaBusinessNumber,
  metaBatchWebhook,
  metaChange,
  metaMessages,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';
import { eventually } from '@test/support/eventually';
import { incompressibleText } from '@test/support/oversized-text';

const APP_SECRET = 'global-app-secret-for-tests';
const OWN_APP_SECRET = 'own-app-secret-of-the-second-number';
const VERIFY_TOKEN = 'verify-token-for-tests';
const OWN_VERIFY_TOKEN = 'verify-token-of-the-other-meta-app';
/** A third Meta app whose business has more numbers than one delivery used to be allowed to name. */
const BIG_APP_SECRET = 'app-secret-of-a-business-with-many-numbers';
const PROBLEM_JSON = /^application\/problem\+json/;

/** The production app with its worker; its own queue prefix keeps other suites' workers off its jobs. */
function createWebhooksApp(): Promise<NestFastifyApplication> {
  return createTestApp({
    APP_ROLE: 'all',
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}wa-webhooks-${randomUUID()}`,
  });
}

describe('WhatsApp Cloud API webhooks (/webhooks/meta)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let tenantId: string;
  let accountId: string;
  const number: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };
  const ownSecretNumber: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };
  const manyNumbers: MetaBusinessNumber[] = Array.from({ length: 12 }, () => ({
    phoneNumberId: `pn-${newId()}`,
  }));

  beforeAll(async () => {
    app = await createWebhooksApp();
    db = app.get(DataSource);
    tenant = await createTenant(app);
    tenantId = tenant.id;
    const accounts = app.get(ChannelAccountsService);
    accountId = (
      await accounts.create(tenantId, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: 'main-line',
        externalId: number.phoneNumberId,
        credentials: { accessToken: 'token-1', wabaId: 'waba-1' },
      })
    ).id;
    await accounts.create(tenantId, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'other-app-line',
      externalId: ownSecretNumber.phoneNumberId,
      credentials: { accessToken: 'token-2', wabaId: 'waba-2', appSecret: OWN_APP_SECRET },
      webhookVerifyToken: OWN_VERIFY_TOKEN,
    });
    for (const [i, many] of manyNumbers.entries()) {
      await accounts.create(tenantId, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: `big-app-line-${i}`,
        externalId: many.phoneNumberId,
        credentials: { accessToken: 'token-3', wabaId: 'waba-3', appSecret: BIG_APP_SECRET },
      });
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (body: unknown, signature?: string | null, secret = APP_SECRET) => {
    const raw = JSON.stringify(body);
    const header =
      signature === null
        ? {}
        : { 'x-hub-signature-256': signature ?? signMetaWebhook(raw, secret) };
    return app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', ...header },
      payload: raw,
    });
  };

  const inboxRows = async (marker: string) =>
    db.query<{ processed_at: Date | null }[]>(
      `SELECT processed_at FROM inbound_events WHERE source = 'meta' AND payload::text LIKE '%' || $1 || '%'`,
      [marker],
    );

  const messageRows = (providerMessageId: string) =>
    db.query<
      {
        id: string;
        type: string;
        content: { text?: string };
        direction: string;
        conversation_id: string;
        contact_name: string | null;
        contact_phone: string | null;
      }[]
    >(
      `SELECT m.id, m.type, m.content, m.direction, m.conversation_id, c.display_name AS contact_name, c.phone AS contact_phone
         FROM messages m
         JOIN conversations v ON v.id = m.conversation_id
         JOIN contacts c ON c.id = v.contact_id
        WHERE m.channel_account_id = $1 AND m.provider_message_id = $2`,
      [accountId, providerMessageId],
    );

  const receiveText = async (waId: string, text: string) => {
    const wamid = newWamid();
    const body = metaMessagesWebhook(
      number,
      { waId, name: 'Maria Souza' },
      metaMessages.text({ from: waId, id: wamid }, text),
    );
    expect((await post(body)).statusCode).toBe(200);
    const [row] = await eventually(async () => {
      const rows = await messageRows(wamid);
      expect(rows).toHaveLength(1);
      return rows;
    });
    return { ...row, wamid };
  };

  describe('GET handshake', () => {
    it('echoes hub.challenge as text/plain when the verify token matches', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/webhooks/meta',
        query: {
          'hub.mode': 'subscribe',
          'hub.verify_token': VERIFY_TOKEN,
          'hub.challenge': '1158201444',
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toBe('1158201444');
    });

    it("echoes hub.challenge for a number's own verify token, kept only as a hash", async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/webhooks/meta',
        query: {
          'hub.mode': 'subscribe',
          'hub.verify_token': OWN_VERIFY_TOKEN,
          'hub.challenge': '2258201444',
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('2258201444');
      const stored = await db.query<{ credentials: string; hash: Buffer }[]>(
        `SELECT credentials, webhook_verify_token_sha256 AS hash FROM channel_accounts WHERE external_id = $1`,
        [ownSecretNumber.phoneNumberId],
      );
      expect(stored[0].hash).toHaveLength(32);
      expect(JSON.stringify(stored)).not.toContain(OWN_VERIFY_TOKEN);
    });

    it('refuses a wrong verify token or mode with 403 problem+json', async () => {
      const queries: Record<string, string>[] = [
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' },
        { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' },
        { 'hub.mode': 'subscribe', 'hub.challenge': '1' },
      ];
      for (const query of queries) {
        const response = await app.inject({ method: 'GET', url: '/webhooks/meta', query });
        expect(response.statusCode).toBe(403);
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(response.json()).toMatchObject({ code: 'WEBHOOK.VERIFICATION_REFUSED' });
        expect(response.body).not.toContain('"1"');
      }
    });
  });

  describe('POST deliveries', () => {
    it('stores a signed text message as contact, conversation and message', async () => {
      const row = await receiveText('5511987650001', 'Olá, tudo bem?');
      expect(row).toMatchObject({
        type: 'text',
        direction: 'inbound',
        content: { text: 'Olá, tudo bem?' },
        contact_name: 'Maria Souza',
        contact_phone: '+5511987650001',
      });
    });

    it("shows the customer's send time, the replied-to message and the enquired product", async () => {
      const waId = '5511987650009';
      const quoted = await receiveText(waId, 'Temos este modelo em azul.');
      const quotedWamid = quoted.wamid;
      const [unknownWamid, replyWamid] = [newWamid(), newWamid()];
      const sentAt = Math.floor(Date.now() / 1000) - 3600;
      const body = metaMessagesWebhook(
        number,
        { waId, name: 'Maria Souza' },
        metaMessages.text(
          {
            from: waId,
            id: replyWamid,
            timestamp: sentAt,
            replyTo: quotedWamid,
            referredProduct: { catalogId: '194836987003835', productRetailerId: 'SKU-01' },
          },
          'Tem em azul?',
        ),
        metaMessages.text({ from: waId, replyTo: unknownWamid }, 'E este?'),
      );
      expect((await post(body)).statusCode).toBe(200);
      const [reply] = await eventually(async () => {
        const rows = await messageRows(replyWamid);
        expect(rows).toHaveLength(1);
        return rows;
      });

      const view = app.inject({
        method: 'GET',
        url: `/api/v2/messages/${reply.id}`,
        headers: tenant.headers,
      });
      expect((await view).json()).toMatchObject({
        replyTo: { messageId: quoted.id, providerMessageId: quotedWamid },
        referredProduct: { catalogId: '194836987003835', productRetailerId: 'SKU-01' },
        platformTimestamp: new Date(sentAt * 1000).toISOString(),
      });

      const page = await eventually(async () => {
        const response = await app.inject({
          method: 'GET',
          url: `/api/v2/conversations/${reply.conversation_id}/messages`,
          headers: tenant.headers,
        });
        const items = response.json<{ items: Record<string, unknown>[] }>().items;
        expect(items).toHaveLength(3);
        return items;
      });
      const [toUnknown, answered, original] = page;
      expect(toUnknown.replyTo).toEqual({ messageId: null, providerMessageId: unknownWamid });
      expect(toUnknown.referredProduct).toBeNull();
      expect(answered).toMatchObject({
        id: reply.id,
        replyTo: { messageId: quoted.id, providerMessageId: quotedWamid },
        referredProduct: { catalogId: '194836987003835', productRetailerId: 'SKU-01' },
        platformTimestamp: new Date(sentAt * 1000).toISOString(),
      });
      expect(original).toMatchObject({ id: quoted.id, replyTo: null, referredProduct: null });
    });

    it('rejects unsigned and forged deliveries with 401 and stores nothing', async () => {
      const wamid = newWamid();
      const body = metaMessagesWebhook(
        number,
        { waId: '5511987650002' },
        metaMessages.text({ from: '5511987650002', id: wamid }, 'forged'),
      );
      const attempts = [
        await post(body, null),
        await post(body, undefined, 'not-the-app-secret'),
        await post(body, `sha256=${'0'.repeat(64)}`),
        await post(
          body,
          signMetaWebhook(JSON.stringify(body), APP_SECRET).replace('sha256=', 'sha1='),
        ),
      ];
      for (const response of attempts) {
        expect(response.statusCode).toBe(401);
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(response.json()).toMatchObject({ code: 'WEBHOOK.INVALID_SIGNATURE' });
      }
      expect(await inboxRows(wamid)).toHaveLength(0);
    });

    it('accepts a number’s own app secret for that number only', async () => {
      const ownWamid = newWamid();
      const own = metaMessagesWebhook(
        ownSecretNumber,
        { waId: '5511987650003' },
        metaMessages.text({ from: '5511987650003', id: ownWamid }, 'hi'),
      );
      expect((await post(own, undefined, OWN_APP_SECRET)).statusCode).toBe(200);
      expect(await inboxRows(ownWamid)).toHaveLength(1);

      const otherWamid = newWamid();
      const other = metaMessagesWebhook(
        number,
        { waId: '5511987650003' },
        metaMessages.text({ from: '5511987650003', id: otherWamid }, 'hi'),
      );
      expect((await post(other, undefined, OWN_APP_SECRET)).statusCode).toBe(401);
      expect(await inboxRows(otherWamid)).toHaveLength(0);
    });

    it('accepts a delivery naming 12 numbers of one Meta app, signed with its own secret', async () => {
      const wamids = manyNumbers.map(() => newWamid());
      const body = metaBatchWebhook(
        ...manyNumbers.map((many, i) =>
          metaChange(many, {
            sender: { waId: '5511987650004' },
            messages: [metaMessages.text({ from: '5511987650004', id: wamids[i] }, `hi ${i}`)],
          }),
        ),
      );
      expect((await post(body, undefined, BIG_APP_SECRET)).statusCode).toBe(200);
      expect(await inboxRows(wamids[11])).toHaveLength(1);
      expect((await post(body, undefined, 'not-the-big-app-secret')).statusCode).toBe(401);
    });

    it('stores one message when the same delivery arrives 20 times at once', async () => {
      const wamid = newWamid();
      const body = metaMessagesWebhook(
        number,
        { waId: '5511987650004' },
        metaMessages.text({ from: '5511987650004', id: wamid }, 'só uma vez'),
      );
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(body)));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      expect(responses.every((r) => r.json().received === true)).toBe(true);
      await eventually(async () => expect((await inboxRows(wamid))[0]?.processed_at).toBeTruthy());
      expect(await inboxRows(wamid)).toHaveLength(1);
      expect(await messageRows(wamid)).toHaveLength(1);
    });

    it('moves an outbound message through sent, delivered and read, and ignores a late sent', async () => {
      const waId = '5511987650005';
      const inbound = await receiveText(waId, 'quero saber do pedido');
      const messages = app.get(MessagesRepository);
      const { id } = await messages.insertOutbound({
        id: newId(),
        tenantId,
        conversationId: inbound.conversation_id,
        channelAccountId: accountId,
        provider: 'meta-cloud',
        type: 'text',
        content: { text: 'Seu pedido saiu' },
      });
      const wamid = newWamid();
      await messages.markSent(id, wamid, new Date('2026-01-01T10:00:00Z'));
      const statusOf = async () =>
        (
          await db.query<
            { status: string; sent_at: Date; delivered_at: Date | null; read_at: Date | null }[]
          >(`SELECT status, sent_at, delivered_at, read_at FROM messages WHERE id = $1`, [id])
        )[0];

      const base = 1_767_261_600; // 2026-01-01T10:00:00Z
      for (const [status, offset] of [
        ['sent', 1],
        ['delivered', 2],
        ['read', 3],
      ] as const) {
        const body = metaStatusesWebhook(
          number,
          metaStatus({ id: wamid, status, recipientId: waId, timestamp: base + offset }),
        );
        expect((await post(body)).statusCode).toBe(200);
        await eventually(async () => expect((await statusOf()).status).toBe(status));
      }
      const afterRead = await statusOf();
      expect(afterRead.read_at?.toISOString()).toBe('2026-01-01T10:00:03.000Z');
      expect(afterRead.delivered_at?.toISOString()).toBe('2026-01-01T10:00:02.000Z');

      const late = metaStatusesWebhook(
        number,
        metaStatus({ id: wamid, status: 'sent', recipientId: waId, timestamp: base + 10 }),
      );
      expect((await post(late)).statusCode).toBe(200);
      await eventually(async () => {
        const rows = await db.query<{ processed_at: Date | null }[]>(
          `SELECT processed_at FROM inbound_events WHERE source = 'meta' AND payload::text LIKE '%' || $1 || '%' AND payload::text LIKE '%' || $2 || '%'`,
          [wamid, String(base + 10)],
        );
        expect(rows[0]?.processed_at).toBeTruthy();
      });
      expect(await statusOf()).toEqual(afterRead);
    });

    it('settles a delivery with 4,000-character ids once, storing only its ordinary message', async () => {
      const longWamid = incompressibleText(4_000, 'meta-wamid');
      const longWaId = incompressibleText(4_000, 'meta-wa-id', '0123456789');
      const ordinary = newWamid();
      const body = metaBatchWebhook(
        metaChange(number, {
          sender: { waId: '5511987650007', name: incompressibleText(4_000, 'meta-name') },
          messages: [
            metaMessages.text({ from: '5511987650007', id: longWamid }, 'id too long'),
            metaMessages.text({ from: longWaId, id: newWamid() }, 'sender too long'),
            metaMessages.text({ from: '5511987650007', id: ordinary }, 'fine'),
          ],
          statuses: [metaStatus({ id: longWamid, status: 'read', recipientId: '5511987650007' })],
        }),
      );
      const responses = [await post(body), await post(body)];
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
      const rows = await eventually(async () => {
        const found = await db.query<
          { processed_at: Date | null; attempts: number; last_error: string | null }[]
        >(
          `SELECT processed_at, attempts, last_error FROM inbound_events
            WHERE source = 'meta' AND strpos(payload::text, $1) > 0`,
          [ordinary],
        );
        expect(found[0]?.processed_at).toBeTruthy();
        return found;
      });
      expect(rows).toEqual([expect.objectContaining({ attempts: 1, last_error: null })]);
      expect(await messageRows(ordinary)).toHaveLength(1);
      expect(await messageRows(longWamid)).toHaveLength(0);
      const longSender = await db.query(`SELECT 1 FROM contacts WHERE phone = $1`, [
        `+${longWaId}`,
      ]);
      expect(longSender).toHaveLength(0);
    });

    it('accepts a batch with more keys and items than an API body may have', async () => {
      // Meta batches many changes per delivery; REQUEST_KEY_LIMITS (1,000 per object or
      // array, 10,000 in all) guard validation, which webhook bodies never reach.
      const statuses = Array.from({ length: 2_500 }, () =>
        metaStatus({ id: newWamid(), status: 'deleted', recipientId: '5511987650008' }),
      );
      const body = metaStatusesWebhook(number, ...statuses);
      const response = await post(body);
      expect(response.statusCode).toBe(200);
      const marker = String((statuses[0] as { id: string }).id);
      await eventually(async () => expect((await inboxRows(marker))[0]?.processed_at).toBeTruthy());
    });

    it('acknowledges a delivery for an unknown phone number id and counts it', async () => {
      const wamid = newWamid();
      const unknown = { phoneNumberId: `pn-unknown-${newId()}` };
      const body = metaMessagesWebhook(
        unknown,
        { waId: '5511987650006' },
        metaMessages.text({ from: '5511987650006', id: wamid }, 'hello?'),
      );
      expect((await post(body)).statusCode).toBe(200);
      await eventually(async () => expect((await inboxRows(wamid))[0]?.processed_at).toBeTruthy());
      const metric = await register
        .getSingleMetric('whatsapp_webhook_unknown_account_total')
        ?.get();
      expect(metric?.values[0]?.value).toBe(1);
      const stored = await db.query(`SELECT 1 FROM messages WHERE provider_message_id = $1`, [
        wamid,
      ]);
      expect(stored).toHaveLength(0);
    });
  });
});
