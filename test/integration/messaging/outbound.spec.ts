import type { RawCredentials } from '@core/channel/channel-credentials';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { HubHealth } from '@core/channel/hub-health';
import type { MessageType, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';
import { AppConfig } from '@config/app-config';
import { IdempotencyKeyRetention } from '@app/messaging/outbound/idempotency/idempotency-key.retention';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/** A platform double: records what it is asked to send and fails as scripted. */
@Injectable()
@RegisterChannelProvider()
class RecordingProvider {
  readonly hub = 'whatsapp' as const;
  readonly provider = 'recording';
  readonly capabilities = new Set<MessageType>([
    'text',
    'image',
    'video',
    'document',
    'template',
    'reaction',
  ]);
  readonly credentials = { parse: (raw: RawCredentials) => raw };
  readonly rules = WHATSAPP_MESSAGING_RULES;
  readonly sent: OutboundMessage[] = [];
  readonly failures: PlatformError[] = [];

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({ status: 'up', detail: 'recording', checkedAt: new Date() });
  }

  send(_account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    this.sent.push(message);
    return Promise.resolve({ providerMessageId: `rec.${message.id}`, acceptedAt: new Date() });
  }
}

/** Refuses any text that says "forbidden", to prove rules run before anything is stored. */
@Injectable()
@OutboundRule()
class NoForbiddenWordRule implements OutboundRuleCheck {
  readonly name = 'no-forbidden-word';
  appliesTo(context: OutboundContext): boolean {
    return context.content.type === 'text';
  }
  check(context: OutboundContext): void {
    if (context.content.type === 'text' && context.content.text.includes('forbidden')) {
      throw new DomainError(
        'TEST.FORBIDDEN_WORD',
        'unprocessable',
        'The text contains a forbidden word',
      );
    }
  }
}

@Module({ providers: [RecordingProvider, NoForbiddenWordRule] })
class RecordingChannelModule {}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Outbound messages', () => {
  let app: NestFastifyApplication;
  let provider: RecordingProvider;
  let db: DataSource;
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    // Its own queue prefix: other suites' workers do not know the recording provider.
    app = await createTestApp(
      { APP_ROLE: 'all', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}outbound-${newId()}` },
      [RecordingChannelModule],
    );
    provider = app.get(RecordingProvider);
    db = app.get(DataSource);
    tenant = await createTenant(app);
    accountId = (
      await app.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'recording',
        name: 'main-line',
        externalId: `rec-${newId()}`,
        credentials: { token: 't' },
      })
    ).id;
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: { ...tenant.headers, ...headers },
      payload,
    });

  const statusOf = async (id: string) =>
    (
      await db.query<
        { status: string; error_code: string | null; provider_message_id: string | null }[]
      >(`SELECT status, error_code, provider_message_id FROM messages WHERE id = $1`, [id])
    )[0];

  const settled = (id: string) =>
    until(async () => {
      const row = await statusOf(id);
      return ['queued', 'sending'].includes(row.status) ? undefined : row;
    });

  it('accepts a text with 202, its id and URL, and the provider receives it', async () => {
    const response = await send({
      channelAccountId: 'main-line',
      to: '+5511988887777',
      type: 'text',
      text: { body: 'Olá!' },
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ status: 'queued', duplicate: false });
    expect(response.headers.location).toBe(body.url);
    expect(body.url).toMatch(new RegExp(`/api/v2/messages/${body.id}$`));

    const row = await settled(body.id);
    expect(row).toEqual({
      status: 'sent',
      error_code: null,
      provider_message_id: `rec.${body.id}`,
    });
    expect(provider.sent.find((m) => m.id === body.id)).toMatchObject({
      type: 'text',
      text: 'Olá!',
      to: '+5511988887777',
    });
  });

  it('queues one message for repeated requests with the same Idempotency-Key', async () => {
    const request = {
      channelAccountId: accountId,
      to: '+5511911112222',
      type: 'text',
      text: { body: 'once' },
    };
    const first = await send(request, { 'idempotency-key': 'order-42' });
    const again = await Promise.all(
      [1, 2, 3].map(() => send(request, { 'idempotency-key': 'order-42' })),
    );
    expect(first.statusCode).toBe(202);
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    for (const response of again) {
      // As Stripe: the first answer's status code again, marked as a replay.
      expect(response.statusCode).toBe(202);
      expect(response.headers['idempotent-replayed']).toBe('true');
      expect(response.headers.location).toBe(first.headers.location);
      expect(response.json()).toMatchObject({ id: first.json().id, duplicate: true });
    }
    await settled(first.json().id);
    expect(provider.sent.filter((m) => m.id === first.json().id)).toHaveLength(1);
  });

  describe('Idempotency-Key on every send route', () => {
    let seq = 0;
    const key = () => `key-${newId()}`;
    const recipient = () =>
      `+55119${String(process.pid % 1000).padStart(3, '0')}4${String(++seq).padStart(4, '0')}`;
    const post = (url: string, payload: Record<string, unknown>, idempotencyKey?: string) =>
      app.inject({
        method: 'POST',
        url,
        headers: {
          ...tenant.headers,
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        },
        payload,
      });
    const keyed = (idempotencyKey: string) =>
      db.query<{ id: string }[]>(
        `SELECT id FROM messages WHERE tenant_id = $1 AND idempotency_key = $2`,
        [tenant.id, idempotencyKey],
      );

    /** Every route that creates an outbound message, with a valid body and a variant of it. */
    const routes: [string, (to: string) => Record<string, unknown>, string][] = [
      [
        '/api/v2/messages',
        (to) => ({ channelAccountId: 'main-line', to, type: 'text', text: { body: 'Olá' } }),
        'text.body',
      ],
      [
        '/api/v2/whatsapp/send/text',
        (to) => ({ instanceId: 'main-line', to, text: 'Olá' }),
        'text',
      ],
      [
        '/api/v2/whatsapp/messages/image',
        (to) => ({ instanceId: 'main-line', to, url: 'https://cdn.example.com/a.jpg' }),
        'url',
      ],
      [
        '/api/v2/whatsapp/messages/video',
        (to) => ({ instanceId: 'main-line', to, url: 'https://cdn.example.com/a.mp4' }),
        'url',
      ],
      [
        '/api/v2/whatsapp/messages/document',
        (to) => ({ instanceId: 'main-line', to, url: 'https://cdn.example.com/a.pdf' }),
        'url',
      ],
      [
        '/api/v2/whatsapp/messages/template',
        // No catalog tells this provider's template categories: the send names its purpose.
        (to) => ({
          instanceId: 'main-line',
          to,
          name: 'reminder',
          language: 'pt_BR',
          purpose: 'service',
        }),
        'language',
      ],
    ];
    const changed = (body: Record<string, unknown>, field: string): Record<string, unknown> =>
      field === 'text.body'
        ? { ...body, text: { body: 'Olá de novo' } }
        : field === 'language'
          ? { ...body, language: 'en_US' }
          : field === 'text'
            ? { ...body, text: 'Olá de novo' }
            : { ...body, [field]: `${String(body[field]).replace(/(\.\w+)$/, '-2$1')}` };

    it.each(routes)(
      '%s replays the same request and refuses the key with another body (422), queueing one message',
      async (url, bodyFor, field) => {
        const idempotencyKey = key();
        const body = bodyFor(recipient());
        const first = await post(url, body, idempotencyKey);
        expect(first.statusCode).toBe(202);
        // Same fields in another order: the same request.
        const reordered = Object.fromEntries(Object.entries(body).reverse());
        const replay = await post(url, reordered, idempotencyKey);
        expect(replay.statusCode).toBe(202);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.json()).toMatchObject({ id: first.json().id, duplicate: true });

        for (const different of [changed(body, field), { ...body, to: recipient() }]) {
          const refused = await post(url, different, idempotencyKey);
          expect(refused.statusCode).toBe(422);
          expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(refused.json()).toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED' });
          expect(refused.json().detail).toMatch(/different request/);
        }
        expect(await keyed(idempotencyKey)).toEqual([{ id: first.json().id }]);
      },
    );

    it('refuses a key sent before to another send route, even with the same message', async () => {
      const idempotencyKey = key();
      const to = recipient();
      const generic = await post(
        '/api/v2/messages',
        { channelAccountId: 'main-line', to, type: 'text', text: { body: 'Olá' } },
        idempotencyKey,
      );
      expect(generic.statusCode).toBe(202);
      const whatsapp = await post(
        '/api/v2/whatsapp/send/text',
        { instanceId: 'main-line', to, text: 'Olá' },
        idempotencyKey,
      );
      expect(whatsapp.statusCode).toBe(422);
      expect(whatsapp.json().code).toBe('REQUEST.IDEMPOTENCY_KEY_REUSED');
    });

    it('keeps keys per tenant: another tenant may use the same key', async () => {
      const idempotencyKey = key();
      const mine = await post('/api/v2/messages', routes[0][1](recipient()), idempotencyKey);
      const stranger = await createTenant(app);
      const theirs = await app.inject({
        method: 'POST',
        url: '/api/v2/messages',
        headers: { ...stranger.headers, 'idempotency-key': idempotencyKey },
        payload: {
          channelAccountId: 'no-account-here',
          to: recipient(),
          type: 'text',
          text: { body: 'x' },
        },
      });
      expect(mine.statusCode).toBe(202);
      expect(theirs.statusCode).toBe(404);
    });

    it('creates one message when requests with one key race, refusing those with another body', async () => {
      for (let round = 0; round < 5; round += 1) {
        const idempotencyKey = key();
        const to = recipient();
        const bodies = Array.from({ length: 10 }, (_, i) => ({
          instanceId: 'main-line',
          to,
          text: i % 2 ? 'corpo A' : 'corpo B',
        }));
        const answers = await Promise.all(
          bodies.map((body) => post('/api/v2/whatsapp/send/text', body, idempotencyKey)),
        );
        const rows = await keyed(idempotencyKey);
        expect(rows).toHaveLength(1);
        const accepted = answers.filter((a) => a.statusCode === 202);
        const refused = answers.filter((a) => a.statusCode === 422);
        const other = answers.filter((a) => ![202, 422].includes(a.statusCode));
        expect(other.map((a) => [a.statusCode, a.body])).toEqual([]);
        expect(accepted.length + refused.length).toBe(10);
        expect(accepted.filter((a) => !a.json().duplicate)).toHaveLength(1);
        expect(new Set(accepted.map((a) => a.json().id))).toEqual(new Set([rows[0].id]));
        // Whichever body won, every request with it was accepted and every other refused.
        expect(accepted).toHaveLength(5);
        await settled(rows[0].id);
        expect(provider.sent.filter((m) => m.id === rows[0].id)).toHaveLength(1);
      }
    });

    it.each([
      ['/api/v2/messages', ''],
      ['/api/v2/messages', 'k'.repeat(256)],
      ['/api/v2/messages', 'order 42'],
      ['/api/v2/whatsapp/send/text', 'pedido-nº42'],
      ['/api/v2/whatsapp/messages/template', 'a\\b'],
    ])('%s refuses the malformed key %j with 400 naming the header', async (url, bad) => {
      const body =
        url === '/api/v2/messages'
          ? routes[0][1](recipient())
          : url.endsWith('template')
            ? routes[5][1](recipient())
            : routes[1][1](recipient());
      const response = await post(url, body, bad);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key' }),
      ]);
    });

    it('accepts the key as the IETF draft writes it, a quoted string, as the same key', async () => {
      const idempotencyKey = key();
      const body = routes[0][1](recipient());
      const first = await post('/api/v2/messages', body, `"${idempotencyKey}"`);
      const again = await post('/api/v2/messages', body, idempotencyKey);
      expect(first.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ id: first.json().id, duplicate: true });
    });

    it('lets a key name a new send once it has expired, and the retention task releases old keys', async () => {
      const hours = app.get(AppConfig).idempotencyKeyRetentionHours;
      const [early, late] = [key(), key()];
      const first = await post('/api/v2/messages', routes[0][1](recipient()), early);
      const second = await post('/api/v2/messages', routes[0][1](recipient()), late);
      await db.query(
        `UPDATE messages SET created_at = now() - make_interval(hours => $2 + 1) WHERE id = ANY($1::uuid[])`,
        [[first.json().id, second.json().id], hours],
      );

      const reused = await post('/api/v2/messages', routes[0][1](recipient()), early);
      expect(reused.statusCode).toBe(202);
      expect(reused.json()).toMatchObject({ duplicate: false });
      expect(reused.json().id).not.toBe(first.json().id);
      expect(await keyed(early)).toEqual([{ id: reused.json().id }]);

      expect(await app.get(IdempotencyKeyRetention).run()).toBeGreaterThanOrEqual(1);
      expect(await keyed(late)).toEqual([]);
      expect(await keyed(early)).toEqual([{ id: reused.json().id }]);
    });
  });

  it('records the replied-to message by our id and by the provider id', async () => {
    const original = await send({
      channelAccountId: accountId,
      to: '+5511911113333',
      type: 'text',
      text: { body: 'Consulta amanhã às 14h' },
    });
    const originalId = original.json().id;
    await settled(originalId);
    for (const replyTo of [originalId, `rec.${originalId}`]) {
      const reply = await send({
        channelAccountId: accountId,
        to: '+5511911113333',
        type: 'text',
        text: { body: 'Confirma?' },
        replyTo,
      });
      const view = await app.inject({
        method: 'GET',
        url: `/api/v2/messages/${reply.json().id}`,
        headers: tenant.headers,
      });
      expect(view.json().replyTo).toEqual({
        messageId: originalId,
        providerMessageId: `rec.${originalId}`,
      });
      // Settled before the next test scripts a platform failure, which a send still in
      // flight would otherwise take.
      await settled(reply.json().id);
    }
  });

  it('retries a retryable platform failure and then sends', async () => {
    provider.failures.push(
      new PlatformError('whatsapp', 'send_message', 'rate-limited', 'Throughput reached', {
        platformCode: '130429',
      }),
    );
    const response = await send({
      channelAccountId: accountId,
      to: '+5511933334444',
      type: 'text',
      text: { body: 'retry me' },
    });
    const row = await settled(response.json().id);
    expect(row.status).toBe('sent');
  });

  it('fails a message at once on a permanent platform error, recording its code', async () => {
    provider.failures.push(
      new PlatformError('whatsapp', 'send_message', 'rejected', 'Message undeliverable', {
        platformCode: '131026',
      }),
    );
    const before = provider.sent.length;
    const response = await send({
      channelAccountId: accountId,
      to: '+5511955556666',
      type: 'text',
      text: { body: 'nope' },
    });
    const row = await settled(response.json().id);
    expect(row).toMatchObject({ status: 'failed', error_code: '131026' });
    expect(provider.sent.length).toBe(before);
  });

  it('marks the account as needing re-authentication when the platform rejects its token', async () => {
    const other = await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'recording',
      name: 'expiring',
      externalId: `rec-${newId()}`,
      credentials: { token: 'old' },
    });
    provider.failures.push(
      new PlatformError('whatsapp', 'send_message', 'auth', 'Token expired', {
        platformCode: '190',
      }),
    );
    const response = await send({
      channelAccountId: other.id,
      to: '+5511977778888',
      type: 'text',
      text: { body: 'hi' },
    });
    expect((await settled(response.json().id)).status).toBe('failed');
    const refused = await send({
      channelAccountId: other.id,
      to: '+5511977778888',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('CHANNEL_ACCOUNT.NOT_ACTIVE');
  });

  it('refuses with 422 what an outbound rule refuses, storing nothing', async () => {
    const before = Number((await db.query(`SELECT count(*) AS n FROM messages`))[0].n);
    const response = await send({
      channelAccountId: accountId,
      to: '+5511900001111',
      type: 'text',
      text: { body: 'a forbidden thing' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'TEST.FORBIDDEN_WORD' });
    expect(Number((await db.query(`SELECT count(*) AS n FROM messages`))[0].n)).toBe(before);
  });

  it('names the missing content field of a type', async () => {
    const response = await send({
      channelAccountId: accountId,
      to: '+5511900002222',
      type: 'image',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain('media');
  });

  it('refuses a type the provider cannot send with 422', async () => {
    const response = await send({
      channelAccountId: accountId,
      to: '+5511900003333',
      type: 'location',
      location: { latitude: 1, longitude: 2 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('MESSAGE.TYPE_NOT_SUPPORTED');
  });

  it("answers 404 for an unknown account and for another tenant's account", async () => {
    const stranger = await createTenant(app);
    const unknown = await send({
      channelAccountId: 'no-such-line',
      to: '+5511900004444',
      type: 'text',
      text: { body: 'x' },
    });
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: stranger.headers,
      payload: {
        channelAccountId: accountId,
        to: '+5511900004444',
        type: 'text',
        text: { body: 'x' },
      },
    });
    expect(unknown.statusCode).toBe(404);
    expect(foreign.statusCode).toBe(404);
  });
});
