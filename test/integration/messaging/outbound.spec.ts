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
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/** A platform double: records what it is asked to send and fails as scripted. */
@Injectable()
@RegisterChannelProvider()
class RecordingProvider {
  readonly hub = 'whatsapp' as const;
  readonly provider = 'recording';
  readonly capabilities = new Set<MessageType>(['text', 'image', 'template', 'reaction']);
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
    for (const response of again) {
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ id: first.json().id, duplicate: true });
    }
    await settled(first.json().id);
    expect(provider.sent.filter((m) => m.id === first.json().id)).toHaveLength(1);
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
