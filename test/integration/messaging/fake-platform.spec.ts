import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';
import type { MessagingProvider } from '@core/channel/channel-provider';
import type { HubHealth } from '@core/channel/hub-health';
import type { ContactIdentity, MessagingRules } from '@core/channel/messaging-rules';
import type { ContentKind, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/*
 * A platform Omnihub has never heard of, brought entirely by a test module: its own hub name,
 * its own addressing (`user:<handle>`, stored as identity kind 'fakechat_handle'), its own
 * content rules (texts of at most 20 characters, nothing but text) and its own credentials
 * type. That is the point of this suite: it needs no change in src/messaging or src/core. If
 * a new platform ever needs one, the platform rules have leaked back into the core.
 */

const HANDLE = 'fakechat_handle';
const MAX_TEXT = 20;

type FakeChatCredentials = { botToken: string };

const FAKECHAT_RULES: MessagingRules = {
  identityKinds: [HANDLE],
  recipientIdentities(to: string): ContactIdentity[] | undefined {
    const handle = /^user:([a-z0-9_]{1,30})$/.exec(to)?.[1];
    return handle ? [{ type: HANDLE, value: handle }] : undefined;
  },
  contentViolations(content) {
    return content.type === 'text' && [...content.text].length > MAX_TEXT
      ? [{ field: 'text.body', message: `fakechat texts hold at most ${MAX_TEXT} characters` }]
      : [];
  },
  fallbackClassOf: () => 'service',
};

const FAKECHAT_CREDENTIALS: ChannelCredentials<FakeChatCredentials> = {
  parse(raw, account) {
    const botToken = textField(raw, 'botToken');
    if (!botToken) throw unusableCredential(account, 'auth', 'fakechat bot token');
    return { botToken };
  },
};

@Injectable()
@RegisterChannelProvider()
class FakeChatProvider implements MessagingProvider<FakeChatCredentials> {
  readonly hub = 'fakechat';
  readonly provider = 'fakechat-api';
  readonly credentials = FAKECHAT_CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set<ContentKind>(['text']);
  readonly rules = FAKECHAT_RULES;
  readonly sent: { token: string; message: OutboundMessage }[] = [];

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({ status: 'up', detail: 'fakechat', checkedAt: new Date() });
  }

  send(
    account: ChannelAccountRef<FakeChatCredentials>,
    message: OutboundMessage,
  ): Promise<SendResult> {
    // Typed credentials: read by FAKECHAT_CREDENTIALS when the account was opened.
    this.sent.push({ token: account.credentials.botToken, message });
    return Promise.resolve({ providerMessageId: `fc.${message.id}`, acceptedAt: new Date() });
  }
}

@Module({ providers: [FakeChatProvider] })
class FakeChatModule {}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('A platform added by a module alone (fakechat)', () => {
  let app: NestFastifyApplication;
  let provider: FakeChatProvider;
  let db: DataSource;
  let tenant: TestTenant;
  let account: { id: string; tenantId: string; provider: string; externalId: string };

  beforeAll(async () => {
    // Its own queue prefix: other suites' workers do not know the fakechat provider.
    app = await createTestApp(
      { APP_ROLE: 'all', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}fakechat-${newId()}` },
      [FakeChatModule],
    );
    provider = app.get(FakeChatProvider);
    db = app.get(DataSource);
    tenant = await createTenant(app);
    const created = await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'fakechat',
      provider: 'fakechat-api',
      name: 'fakechat-line',
      externalId: `bot-${newId()}`,
      credentials: { botToken: 'fc-token-1' },
    });
    account = { id: created.id, tenantId: tenant.id, provider: 'fakechat-api', externalId: '' };
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'fakechat-line', ...payload },
    });

  const identitiesOfContactOf = (kind: string, value: string) =>
    db.query<{ type: string; value: string }[]>(
      `SELECT mine.type, mine.value FROM contact_identities AS found
         JOIN contact_identities AS mine ON mine.contact_id = found.contact_id
        WHERE found.tenant_id = $1 AND found.type = $2 AND found.value = $3
        ORDER BY mine.type`,
      [tenant.id, kind, value],
    );

  it("sends through the real route to the platform's provider, addressed its own way", async () => {
    const response = await send({ to: 'user:ana_01', type: 'text', text: { body: 'Oi, Ana!' } });
    expect(response.statusCode).toBe(202);
    const id = response.json<{ id: string }>().id;

    const sent = await until(() => Promise.resolve(provider.sent.find((s) => s.message.id === id)));
    expect(sent).toEqual({
      token: 'fc-token-1',
      message: expect.objectContaining({ type: 'text', text: 'Oi, Ana!', to: 'user:ana_01' }),
    });
    await until(async () => {
      const [row] = await db.query<{ status: string }[]>(
        `SELECT status FROM messages WHERE id = $1`,
        [id],
      );
      return row.status === 'sent' ? row : undefined;
    });
    expect(await identitiesOfContactOf(HANDLE, 'ana_01')).toEqual([
      { type: HANDLE, value: 'ana_01' },
    ]);
  });

  it("refuses a text over the platform's limit with 400 naming text.body, storing nothing", async () => {
    const before = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM messages`);
    const response = await send({
      to: 'user:ana_01',
      type: 'text',
      text: { body: 'x'.repeat(MAX_TEXT + 1) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'REQUEST.VALIDATION_FAILED',
      errors: [{ field: 'text.body', message: 'fakechat texts hold at most 20 characters' }],
    });
    const after = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM messages`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses content kinds the platform does not take with 422 naming the field', async () => {
    const image = await send({
      to: 'user:ana_01',
      type: 'image',
      media: { url: 'https://cdn.example.com/a.png' },
    });
    expect(image.statusCode).toBe(422);
    expect(image.json()).toMatchObject({
      code: 'MESSAGE.TYPE_NOT_SUPPORTED',
      errors: [{ field: 'type', message: 'fakechat-api cannot send image messages' }],
    });

    const withButtons = await send({
      to: 'user:ana_01',
      type: 'text',
      text: { body: 'Pick one', quickReplies: [{ type: 'text', title: 'Yes', payload: 'Y' }] },
    });
    expect(withButtons.statusCode).toBe(422);
    expect(withButtons.json()).toMatchObject({
      code: 'MESSAGE.FEATURE_NOT_SUPPORTED',
      errors: [{ field: 'text.quickReplies' }],
    });
  });

  it('refuses a recipient that is no address on the platform with 400 naming to', async () => {
    const response = await send({ to: '+5511987654321', type: 'text', text: { body: 'Oi' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: 'to', message: 'to is not an address fakechat-api can send to' },
    ]);
  });

  it('stores an inbound message under its own identity kind, on the same contact', async () => {
    const summary = await app.get(InboundPipeline).ingest(account, [
      {
        kind: 'message',
        accountExternalId: account.externalId,
        providerMessageId: `fc.in.${newId()}`,
        from: { address: 'ana_01', addressType: HANDLE, phone: '+5511900001234', name: 'Ana' },
        sentAt: new Date(),
        content: { type: 'text', text: 'Oi de volta' },
      },
    ]);
    expect(summary.stored).toBe(1);
    expect(await identitiesOfContactOf(HANDLE, 'ana_01')).toEqual([
      { type: HANDLE, value: 'ana_01' },
      { type: 'phone', value: '+5511900001234' },
    ]);
    const conversations = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM conversations WHERE channel_account_id = $1`,
      [account.id],
    );
    expect(Number(conversations[0].n)).toBe(1);
  });

  it('refuses to store an identity kind no registered provider declares', async () => {
    await expect(
      app.get(InboundPipeline).ingest(account, [
        {
          kind: 'message',
          accountExternalId: account.externalId,
          providerMessageId: `fc.in.${newId()}`,
          from: { address: 'bob', addressType: 'fakechat_nickname' },
          sentAt: new Date(),
          content: { type: 'text', text: 'hi' },
        },
      ]),
    ).rejects.toThrow(/"fakechat_nickname" is declared by no registered provider/);
    const stored = await db.query(
      `SELECT 1 FROM contact_identities WHERE tenant_id = $1 AND type = 'fakechat_nickname'`,
      [tenant.id],
    );
    expect(stored).toHaveLength(0);
  });
});
