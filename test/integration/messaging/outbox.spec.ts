import type { RawCredentials } from '@core/channel/channel-credentials';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { HubHealth } from '@core/channel/hub-health';
import type { MessageType, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { newId } from '@core/database/ids';
import { QueueName } from '@core/queue/queue-names';
import { OutboxSweeper } from '@app/messaging/outbound/outbox.sweeper';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { TcpProxy, proxiedUrl, startTcpProxyFor } from '@test/support/tcp-proxy';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

@Injectable()
@RegisterChannelProvider()
class CountingProvider {
  readonly hub = 'whatsapp' as const;
  readonly provider = 'counting';
  readonly capabilities = new Set<MessageType>(['text']);
  readonly credentials = { parse: (raw: RawCredentials) => raw };
  readonly rules = WHATSAPP_MESSAGING_RULES;
  readonly sent: string[] = [];

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({ status: 'up', detail: 'counting', checkedAt: new Date() });
  }

  send(_account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    this.sent.push(message.id);
    return Promise.resolve({ providerMessageId: `cnt.${message.id}`, acceptedAt: new Date() });
  }
}

@Module({ providers: [CountingProvider] })
class CountingChannelModule {}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Outbox: sends accepted while Redis is away', () => {
  let proxy: TcpProxy;
  let app: NestFastifyApplication;
  let provider: CountingProvider;
  let tenant: TestTenant;

  beforeAll(async () => {
    proxy = await startTcpProxyFor(process.env.REDIS_URL!);
    app = await createTestApp(
      {
        APP_ROLE: 'all',
        REDIS_URL: proxiedUrl(process.env.REDIS_URL!, proxy),
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}outbox-${newId()}`,
        INBOX_SWEEP_INTERVAL_MS: '1000',
        INBOX_SWEEP_AFTER_MS: '1000',
        INBOX_SWEEP_STALLED_AFTER_MS: '60000',
      },
      [CountingChannelModule],
    );
    provider = app.get(CountingProvider);
    tenant = await createTenant(app);
    await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'counting',
      name: 'line',
      externalId: `cnt-${newId()}`,
      credentials: {},
    });
  });

  afterAll(async () => {
    await app.close();
    await proxy.close();
  });

  it('answers 202 and stores every send during the outage, then sends each exactly once after Redis returns', async () => {
    await proxy.cut();
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/v2/messages',
          headers: tenant.headers,
          payload: {
            channelAccountId: 'line',
            to: `+55119000000${i}`,
            type: 'text',
            text: { body: `during outage ${i}` },
          },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const ids = responses.map((r) => r.json().id as string);
    const db = app.get(DataSource);
    const unenqueued = await db.query(
      `SELECT count(*) AS n FROM messages WHERE id = ANY($1) AND enqueued_at IS NULL`,
      [ids],
    );
    expect(Number(unenqueued[0].n)).toBe(5);

    await proxy.restore();
    await until(async () => {
      const rows = await db.query(
        `SELECT count(*) AS n FROM messages WHERE id = ANY($1) AND status = 'sent'`,
        [ids],
      );
      return Number(rows[0].n) === ids.length;
    });
    for (const id of ids) expect(provider.sent.filter((sent) => sent === id)).toHaveLength(1);
  }, 60_000);

  it('sends a queued message whose job Redis lost (enqueued long ago, never run)', async () => {
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: {
        channelAccountId: 'line',
        to: '+5511900000099',
        type: 'text',
        text: { body: 'x' },
      },
    });
    const id = accepted.json<{ id: string }>().id;
    const db = app.get(DataSource);
    const queue = app.get<Queue>(getQueueToken(QueueName.Outbound));
    // Sent and its job finished (an active job cannot be removed, and markSent must be done).
    await until(async () => (await queue.getJobState(id)) === 'completed');
    // As if Redis restarted empty before the job ran: the row is queued, its job gone.
    await queue.remove(id);
    await db.query(
      `UPDATE messages SET status = 'queued', enqueued_at = now() - interval '2 minutes' WHERE id = $1`,
      [id],
    );
    await app.get(OutboxSweeper).sweepOnce();

    await until(() => Promise.resolve(provider.sent.filter((sent) => sent === id).length === 2));
    const [row] = await db.query(`SELECT status FROM messages WHERE id = $1`, [id]);
    expect(row.status).toBe('sent');
  }, 60_000);
});
