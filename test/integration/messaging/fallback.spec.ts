import type { RawCredentials } from '@core/channel/channel-credentials';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { HubHealth } from '@core/channel/hub-health';
import type { MessageType, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { newId } from '@core/database/ids';
import { PlatformError } from '@core/errors/platform-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { eventually } from '@test/support/eventually';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/** A provider double that fails with 500s while `down`, and records what it sent. */
abstract class SwitchableProvider {
  readonly hub = 'whatsapp' as const;
  abstract readonly provider: string;
  readonly capabilities = new Set<MessageType>(['text', 'template']);
  readonly credentials = { parse: (raw: RawCredentials) => raw };
  readonly rules = WHATSAPP_MESSAGING_RULES;
  readonly sent: string[] = [];
  down = false;

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({
      status: this.down ? 'down' : 'up',
      detail: this.provider,
      checkedAt: new Date(),
    });
  }

  send(_account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    if (this.down) {
      return Promise.reject(
        new PlatformError('whatsapp', 'send_message', 'server', 'Service unavailable', {
          status: 500,
        }),
      );
    }
    this.sent.push(message.id);
    return Promise.resolve({
      providerMessageId: `${this.provider}.${message.id}`,
      acceptedAt: new Date(),
    });
  }
}

@Injectable()
@RegisterChannelProvider()
class OfficialProvider extends SwitchableProvider {
  readonly provider = 'official-double';
}

@Injectable()
@RegisterChannelProvider()
class UnofficialProvider extends SwitchableProvider {
  readonly provider = 'unofficial-double';
}

@Module({ providers: [OfficialProvider, UnofficialProvider] })
class TwoProvidersModule {}

describe('Fallback between providers', () => {
  let app: NestFastifyApplication;
  let official: OfficialProvider;
  let unofficial: UnofficialProvider;
  let tenant: TestTenant;
  let db: DataSource;

  beforeAll(async () => {
    app = await createTestApp(
      {
        APP_ROLE: 'all',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}fallback-${newId()}`,
        CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
        CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '1000',
      },
      [TwoProvidersModule],
    );
    official = app.get(OfficialProvider);
    unofficial = app.get(UnofficialProvider);
    db = app.get(DataSource);
    tenant = await createTenant(app);
    const accounts = app.get(ChannelAccountsService);
    const create = (name: string, provider: string) =>
      accounts.create(tenant.id, {
        hub: 'whatsapp',
        provider,
        name,
        externalId: `${name}-${newId()}`,
        credentials: {},
      });
    await create('primary', 'official-double');
    await create('backup', 'unofficial-double');
    const linked = await app.inject({
      method: 'PUT',
      url: '/api/v2/channel-accounts/primary/fallback',
      headers: tenant.headers,
      payload: { fallbackAccountId: 'backup' },
    });
    expect(linked.statusCode).toBe(200);
  });

  afterAll(async () => {
    await app.close();
  });

  const send = async (type: 'text' | 'template', i: number) => {
    const content =
      type === 'text'
        ? { text: { body: `reply ${i}` } }
        : // No catalog tells these doubles' template categories: the send names its purpose.
          { template: { name: 'appointment_reminder', language: 'pt_BR' }, purpose: 'reminders' };
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: {
        channelAccountId: 'primary',
        to: `+5511955500${String(i).padStart(3, '0')}`,
        type,
        ...content,
      },
    });
    expect(response.statusCode).toBe(202);
    return response.json().id as string;
  };

  const row = async (id: string) =>
    (
      await db.query<{ status: string; provider: string; fallback_reason: string | null }[]>(
        `SELECT status, provider, fallback_reason FROM messages WHERE id = $1`,
        [id],
      )
    )[0];

  it('moves service replies to the backup while the primary fails, each sent exactly once, with the reason', async () => {
    official.down = true;
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) ids.push(await send('text', i));
    await eventually(async () => {
      for (const id of ids) expect((await row(id)).status).toBe('sent');
    }, 30_000);
    for (const id of ids) {
      expect(await row(id)).toMatchObject({ provider: 'unofficial-double' });
      expect((await row(id)).fallback_reason).toMatch(/^(circuit_open|retries_exhausted)$/);
      expect(unofficial.sent.filter((sent) => sent === id)).toHaveLength(1);
      expect(official.sent).not.toContain(id);
    }
  }, 45_000);

  it('keeps a template on the official provider: it waits instead of moving', async () => {
    const id = await send('template', 100);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await row(id)).toMatchObject({
      status: 'queued',
      provider: 'official-double',
      fallback_reason: null,
    });
    expect(unofficial.sent).not.toContain(id);

    official.down = false;
    await eventually(async () => expect((await row(id)).status).toBe('sent'), 30_000);
    expect(official.sent.filter((sent) => sent === id)).toHaveLength(1);
  }, 45_000);

  it('sends new messages through the primary again once it recovers', async () => {
    official.down = false;
    const id = await send('text', 200);
    await eventually(async () => expect((await row(id)).status).toBe('sent'), 15_000);
    expect(await row(id)).toMatchObject({ provider: 'official-double', fallback_reason: null });
    expect(official.sent).toContain(id);
  });
});
