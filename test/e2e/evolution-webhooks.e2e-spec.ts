import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { EvolutionQrStore } from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import {
  EVOLUTION_WEBHOOK_SECRET_HEADER,
  EvolutionWebhookKeys,
} from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionWebhooksModule } from '@app/whatsapp/evolution/evolution-webhooks.module';
import {
  EvolutionInstance,
  evolutionBodies,
  evolutionConnectionUpdate,
  evolutionEnvelope,
  evolutionMessage,
  evolutionQrCodeUpdated,
  evolutionStatusUpdate,
  evolutionUpsert,
  newEvolutionKeyId,
} from '@test/fakes/evolution/webhooks';
import { eventually } from '@test/support/eventually';
import { incompressibleText } from '@test/support/oversized-text';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('Evolution API webhooks (/webhooks/evolution/:accountId)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let tenantId: string;
  let accountId: string;
  let otherAccountId: string;
  let secret: string;
  let otherSecret: string;
  const instance: EvolutionInstance = { name: `inst-${newId()}`, apiKey: `key-${randomUUID()}` };
  const other: EvolutionInstance = { name: `inst-${newId()}`, apiKey: `key-${randomUUID()}` };
  const withSecret = (value: string) => ({ [EVOLUTION_WEBHOOK_SECRET_HEADER]: value });

  beforeAll(async () => {
    app = await createTestApp(
      { APP_ROLE: 'all', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-webhooks-${randomUUID()}` },
      [EvolutionWebhooksModule],
    );
    db = app.get(DataSource);
    tenant = await createTenant(app);
    tenantId = tenant.id;
    accountId = (await createAccount(tenantId, 'evo-line', instance)).id;
    otherAccountId = (await createAccount(tenantId, 'evo-other', other)).id;
    const keys = app.get(EvolutionWebhookKeys);
    secret = await keys.issue(tenantId, accountId, instance.apiKey);
    otherSecret = await keys.issue(tenantId, otherAccountId, other.apiKey);
  });

  const createAccount = (tenant: string, name: string, target: EvolutionInstance) =>
    app.get(ChannelAccountsService).create(tenant, {
      hub: 'whatsapp',
      provider: 'evolution',
      name,
      externalId: target.name,
      credentials: { baseUrl: 'https://evolution.example.com', apiKey: target.apiKey },
    });

  afterAll(async () => {
    await app?.close();
  });

  const post = (
    body: unknown,
    headers: Record<string, string> = withSecret(secret),
    id = accountId,
  ) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${id}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  const inboxRows = (marker: string) =>
    db.query<{ id: string; payload: Record<string, unknown> }[]>(
      `SELECT id, payload FROM inbound_events WHERE source = 'evolution' AND payload::text LIKE '%' || $1 || '%'`,
      [marker],
    );

  const messageRows = (keyId: string) =>
    db.query<
      {
        id: string;
        type: string;
        content: { text?: string };
        direction: string;
        status: string;
        conversation_id: string;
        contact_id: string;
        contact_name: string | null;
        contact_phone: string | null;
      }[]
    >(
      `SELECT m.id, m.type, m.content, m.direction, m.status, m.conversation_id, v.contact_id,
              c.display_name AS contact_name, c.phone AS contact_phone
         FROM messages m
         JOIN conversations v ON v.id = m.conversation_id
         JOIN contacts c ON c.id = v.contact_id
        WHERE m.channel_account_id = $1 AND m.provider_message_id = $2`,
      [accountId, keyId],
    );

  const stored = (keyId: string) =>
    eventually(async () => {
      const rows = await messageRows(keyId);
      expect(rows).toHaveLength(1);
      return rows[0];
    });

  const accountStatus = async (id = accountId) =>
    (
      await db.query<{ status: string }[]>(`SELECT status FROM channel_accounts WHERE id = $1`, [
        id,
      ])
    )[0].status;

  it('rejects a missing or wrong key with 401 problem+json and stores nothing', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(instance, { remoteJid: '5511987650001@s.whatsapp.net', id });
    const attempts = [
      await post(body, {}),
      await post(body, withSecret('not-the-secret')),
      await post(body, withSecret(otherSecret)),
      await post(body, withSecret(instance.apiKey)),
      await post(body, { apikey: 'not-the-key' }),
      await post(body, { apikey: other.apiKey }),
      await post(
        evolutionUpsert(instance, { remoteJid: '5511987650001@s.whatsapp.net', id }, undefined, {
          apikey: other.apiKey,
        }),
        {},
      ),
    ];
    for (const response of attempts) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.json()).toMatchObject({ code: 'WEBHOOK.INVALID_KEY' });
    }
    expect(await inboxRows(id)).toHaveLength(0);
  });

  it('answers an unknown account, another account and another instance like a wrong key', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(instance, { remoteJid: '5511987650001@s.whatsapp.net', id });
    const wrongKey = await post(body, withSecret('not-the-secret'));
    const answers = [
      await post(body, withSecret(secret), otherAccountId),
      await post(body, withSecret(otherSecret), otherAccountId),
      await post(body, withSecret(secret), newId()),
      await post(body, withSecret(secret), 'not-an-account-id'),
      await post(evolutionUpsert(other, { remoteJid: '5511987650001@s.whatsapp.net', id })),
      await post(
        evolutionUpsert(
          { ...instance, name: `${instance.name}\u0000` },
          { remoteJid: '5511987650001@s.whatsapp.net', id },
        ),
      ),
    ];
    const {
      traceId: _trace,
      instance: _path,
      ...expected
    } = wrongKey.json<Record<string, unknown>>();
    for (const response of answers) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.json()).toMatchObject(expected);
    }
    expect(await inboxRows(id)).toHaveLength(0);
  });

  it('accepts the instance key in the body apikey (Evolution with EXPOSE_IN_FETCH_INSTANCES)', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(
      instance,
      { remoteJid: '5511987650009@s.whatsapp.net', id },
      undefined,
      { apikey: instance.apiKey },
    );
    expect((await post(body, {})).statusCode).toBe(200);
    await stored(id);
    const [row] = await inboxRows(id);
    expect(row.payload).not.toHaveProperty('apikey');
  });

  it('asks Evolution to retry (503) a delivery for an account that has no webhook secret yet', async () => {
    const legacy: EvolutionInstance = { name: `inst-${newId()}`, apiKey: `key-${randomUUID()}` };
    const legacyId = (await createAccount(tenantId, `evo-legacy-${newId()}`, legacy)).id;
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(
      legacy,
      { remoteJid: '5511987650001@s.whatsapp.net', id },
      undefined,
      { apikey: legacy.apiKey },
    );
    const response = await post(body, {}, legacyId);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('60');
    expect(response.json()).toMatchObject({ code: 'WEBHOOK.KEYS_PENDING' });
    expect(await inboxRows(id)).toHaveLength(0);

    await app.get(EvolutionWebhookKeys).issue(tenantId, legacyId, legacy.apiKey);
    expect((await post(body, {}, legacyId)).statusCode).toBe(200);
  });

  it('stores an event whose name or key id holds U+0000 instead of answering 500', async () => {
    const id = newEvolutionKeyId();
    const options = { remoteJid: '5511987650001@s.whatsapp.net', id };
    const badEvent = evolutionUpsert(instance, options, undefined, {
      event: 'messages.upsert\u0000',
    });
    const badKey = evolutionUpsert(instance, { ...options, id: `${id}\u0000` });
    const badStatus = evolutionStatusUpdate(instance, id, 'READ');
    (badStatus.data as Record<string, unknown>).status = 'READ\u0000';
    for (const body of [badEvent, badKey, badStatus]) {
      const response = await post(body);
      expect(response.statusCode).toBe(200);
    }
    expect(await inboxRows(id)).toHaveLength(3);
  });

  it('keeps the same message seen by two tenants’ instances apart (WhatsApp ids are shared)', async () => {
    const otherTenant = (await createTenant(app)).id;
    const peer: EvolutionInstance = { name: `inst-${newId()}`, apiKey: `key-${randomUUID()}` };
    const peerAccountId = (await createAccount(otherTenant, 'evo-peer', peer)).id;
    const peerSecret = await app
      .get(EvolutionWebhookKeys)
      .issue(otherTenant, peerAccountId, peer.apiKey);
    // One message between the two businesses: sent by ours (fromMe), received by the peer.
    const id = newEvolutionKeyId();
    const sent = evolutionUpsert(instance, {
      remoteJid: '5511911112222@s.whatsapp.net',
      id,
      fromMe: true,
    });
    const received = evolutionUpsert(peer, { remoteJid: '5511900000000@s.whatsapp.net', id });
    expect((await post(sent)).statusCode).toBe(200);
    expect((await post(received, withSecret(peerSecret), peerAccountId)).statusCode).toBe(200);
    expect(await inboxRows(id)).toHaveLength(2);
    await stored(id);
    await eventually(async () => {
      const rows = await db.query<{ direction: string }[]>(
        `SELECT direction FROM messages WHERE channel_account_id = $1 AND provider_message_id = $2`,
        [peerAccountId, id],
      );
      expect(rows).toEqual([{ direction: 'inbound' }]);
    });
  });

  it('stores an inbound text as contact, conversation and message, without the key', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(
      instance,
      { remoteJid: '5511987650002@s.whatsapp.net', id, pushName: 'Maria Souza' },
      evolutionBodies.conversation('Olá, quero agendar'),
      { event: 'MESSAGES_UPSERT' },
    );
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true });
    expect(await stored(id)).toMatchObject({
      type: 'text',
      content: { text: 'Olá, quero agendar' },
      direction: 'inbound',
      status: 'received',
      contact_name: 'Maria Souza',
      contact_phone: '+5511987650002',
    });
    const [row] = await inboxRows(id);
    expect(row.payload).not.toHaveProperty('apikey');
  });

  it("shows a quoted reply's target and the customer's send time, also when Evolution flattened the text", async () => {
    const remoteJid = '5511987650010@s.whatsapp.net';
    const quotedId = newEvolutionKeyId();
    await post(evolutionUpsert(instance, { remoteJid, id: quotedId }));
    await stored(quotedId);
    const sentAt = Math.floor(Date.now() / 1000) - 600;
    const replies = [newEvolutionKeyId(), newEvolutionKeyId()];
    for (const [i, id] of replies.entries()) {
      const body = evolutionUpsert(
        instance,
        { remoteJid, id, timestamp: sentAt, flattenExtendedText: i === 1 },
        evolutionBodies.extendedText('Sim, esse mesmo', quotedId),
      );
      expect((await post(body)).statusCode).toBe(200);
    }
    const quoted = await stored(quotedId);
    for (const id of replies) {
      const reply = await stored(id);
      const view = await app.inject({
        method: 'GET',
        url: `/api/v2/messages/${reply.id}`,
        headers: tenant.headers,
      });
      expect(view.json()).toMatchObject({
        content: { text: 'Sim, esse mesmo' },
        replyTo: { messageId: quoted.id, providerMessageId: quotedId },
        platformTimestamp: new Date(sentAt * 1000).toISOString(),
        referredProduct: null,
      });
    }
  });

  it('accepts the key in the apikey header as well', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(instance, { remoteJid: '5511987650003@s.whatsapp.net', id });
    expect((await post(body, { apikey: instance.apiKey })).statusCode).toBe(200);
    await stored(id);
  });

  it('stores a message delivered 10 times concurrently once', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(instance, { remoteJid: '5511987650004@s.whatsapp.net', id });
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(body)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    await stored(id);
    expect(await inboxRows(id)).toHaveLength(1);
    // Processing is done once the message is there; a second copy would have shown by now
    // only if the inbox had let one through, which the single inbox row already rules out.
    expect(await messageRows(id)).toHaveLength(1);
  });

  it('records a message sent from the phone (fromMe) as outbound sent', async () => {
    const id = newEvolutionKeyId();
    const body = evolutionUpsert(
      instance,
      { remoteJid: '5511987650005@s.whatsapp.net', id, fromMe: true, pushName: 'Loja' },
      evolutionBodies.conversation('Seu pedido saiu'),
    );
    expect((await post(body)).statusCode).toBe(200);
    expect(await stored(id)).toMatchObject({
      direction: 'outbound',
      status: 'sent',
      contact_phone: '+5511987650005',
    });
    // The business's own pushName is not taken as the customer's name.
    expect((await messageRows(id))[0].contact_name).toBeNull();
  });

  it('moves our outbound message forward with messages.update', async () => {
    const inbound = newEvolutionKeyId();
    const remoteJid = '5511987650006@s.whatsapp.net';
    await post(evolutionUpsert(instance, { remoteJid, id: inbound }));
    const { conversation_id } = await stored(inbound);
    const messages = app.get(MessagesRepository);
    const outboundId = newId();
    const keyId = newEvolutionKeyId();
    await messages.insertOutbound({
      id: outboundId,
      tenantId,
      conversationId: conversation_id,
      channelAccountId: accountId,
      provider: 'evolution',
      type: 'text',
      content: { text: 'Confirmado' },
    });
    await messages.markSent(outboundId, keyId, new Date());

    const status = async () =>
      (
        await db.query<{ status: string }[]>(`SELECT status FROM messages WHERE id = $1`, [
          outboundId,
        ])
      )[0].status;
    expect(
      (await post(evolutionStatusUpdate(instance, keyId, 'DELIVERY_ACK', remoteJid))).statusCode,
    ).toBe(200);
    await eventually(async () => expect(await status()).toBe('delivered'));
    await post(evolutionStatusUpdate(instance, keyId, 'READ', remoteJid));
    await eventually(async () => expect(await status()).toBe('read'));
    // A late SERVER_ACK is its own event but never moves the message back.
    await post(evolutionStatusUpdate(instance, keyId, 'SERVER_ACK', remoteJid));
    await eventually(async () => {
      const rows = await db.query<{ processed_at: Date | null }[]>(
        `SELECT processed_at FROM inbound_events WHERE external_id = $1`,
        [`${accountId}:messages.update:${keyId}:SERVER_ACK`],
      );
      expect(rows[0]?.processed_at).toBeTruthy();
    });
    expect(await status()).toBe('read');
  });

  it('marks the account active on connection open and disconnected on close', async () => {
    expect(
      (
        await post(
          evolutionConnectionUpdate(other, 'close'),
          withSecret(otherSecret),
          otherAccountId,
        )
      ).statusCode,
    ).toBe(200);
    await eventually(async () => expect(await accountStatus(otherAccountId)).toBe('disconnected'));
    await post(
      evolutionConnectionUpdate(other, 'connecting'),
      withSecret(otherSecret),
      otherAccountId,
    );
    await post(evolutionConnectionUpdate(other, 'open'), withSecret(otherSecret), otherAccountId);
    await eventually(async () => expect(await accountStatus(otherAccountId)).toBe('active'));
  });

  it('keeps the latest QR code until the instance connects', async () => {
    const qrCodes = app.get(EvolutionQrStore);
    const qr = {
      base64: 'data:image/png;base64,iVBORw0KGgo=',
      code: `2@${randomUUID()}`,
      pairingCode: 'WZYEH1YY',
    };
    expect(
      (await post(evolutionQrCodeUpdated(other, qr), withSecret(otherSecret), otherAccountId))
        .statusCode,
    ).toBe(200);
    await eventually(async () => expect(await qrCodes.latest(otherAccountId)).toMatchObject(qr));
    await post(
      evolutionConnectionUpdate(other, 'open', 201),
      withSecret(otherSecret),
      otherAccountId,
    );
    await eventually(async () => expect(await qrCodes.latest(otherAccountId)).toBeNull());
  });

  it('accepts a messages.set delivery with more keys and items than an API body may have', async () => {
    // History syncs arrive as one array of messages; REQUEST_KEY_LIMITS guard validation,
    // which webhook bodies never reach.
    const id = newEvolutionKeyId();
    const messages = Array.from({ length: 2_000 }, (_, i) =>
      evolutionMessage(
        { remoteJid: '5511987650012@s.whatsapp.net', id: i === 0 ? id : newEvolutionKeyId() },
        'conversation',
        'history',
      ),
    );
    const response = await post(evolutionEnvelope(instance, 'messages.set', { messages }));
    expect(response.statusCode).toBe(200);
    expect(await inboxRows(id)).toHaveLength(1);
  });

  describe('with platform strings longer than any index can hold (4,000 characters)', () => {
    const processedOnce = (marker: string) =>
      eventually(async () => {
        const rows = await db.query<
          { processed_at: Date | null; attempts: number; last_error: string | null }[]
        >(
          `SELECT processed_at, attempts, last_error FROM inbound_events
            WHERE source = 'evolution' AND strpos(payload::text, $1) > 0`,
          [marker],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ attempts: 1, last_error: null });
        expect(rows[0].processed_at).toBeTruthy();
      });

    it('stores a delivery with a 4,000-character key id once and settles it without a message', async () => {
      const id = incompressibleText(4_000, 'evolution-key-id');
      const body = evolutionUpsert(instance, { remoteJid: '5511987650010@s.whatsapp.net', id });
      const responses = [await post(body), await post(body)];
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
      await processedOnce(id);
      expect(await messageRows(id)).toHaveLength(0);
    });

    it('settles a delivery from a 4,000-digit jid without storing a contact for it', async () => {
      const digits = incompressibleText(4_000, 'evolution-jid', '0123456789');
      const id = newEvolutionKeyId();
      const body = evolutionUpsert(instance, { remoteJid: `${digits}@s.whatsapp.net`, id });
      expect((await post(body)).statusCode).toBe(200);
      await processedOnce(id);
      expect(await messageRows(id)).toHaveLength(0);
    });

    it('stores a message whose sender has a 4,000-character name', async () => {
      const pushName = incompressibleText(4_000, 'evolution-push-name');
      const id = newEvolutionKeyId();
      const body = evolutionUpsert(instance, {
        remoteJid: '5511987650011@s.whatsapp.net',
        id,
        pushName,
      });
      expect((await post(body)).statusCode).toBe(200);
      expect(await stored(id)).toMatchObject({ contact_name: pushName });
      await processedOnce(id);
    });
  });

  it('resolves an @lid sender with remoteJidAlt to the contact of their phone number', async () => {
    const byPhone = newEvolutionKeyId();
    await post(
      evolutionUpsert(instance, { remoteJid: '5511987650007@s.whatsapp.net', id: byPhone }),
    );
    const first = await stored(byPhone);
    const byLid = newEvolutionKeyId();
    await post(
      evolutionUpsert(instance, {
        remoteJid: '176543210987654@lid',
        id: byLid,
        key: { remoteJidAlt: '5511987650007@s.whatsapp.net', addressingMode: 'lid' },
      }),
    );
    const second = await stored(byLid);
    expect(second.contact_id).toBe(first.contact_id);
    expect(second.conversation_id).toBe(first.conversation_id);
    const identities = await db.query<{ type: string; value: string }[]>(
      `SELECT type, value FROM contact_identities WHERE contact_id = $1 ORDER BY type`,
      [first.contact_id],
    );
    expect(identities).toEqual(
      expect.arrayContaining([
        { type: 'lid', value: '176543210987654@lid' },
        { type: 'phone', value: '+5511987650007' },
        { type: 'wa_id', value: '5511987650007' },
      ]),
    );
  });
});
