import { VersioningType } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import type { InboundEventRecord } from '@core/inbox/inbound-event-handler';
import { newId } from '@core/database/ids';
import { AppModule } from '@app/app.module';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  StatusesNotYetMatchedError,
  UNMATCHED_STATUS_RETRIES,
} from '@app/messaging/inbound/unmatched-statuses';
import { MetaInboundHandler } from '@app/whatsapp/webhooks/meta-inbound.handler';
import { WhatsappWebhooksModule } from '@app/whatsapp/webhooks/whatsapp-webhooks.module';
import {
  metaBatchWebhook,
  metaChange,
  metaMessages,
  metaStatus,
  metaStatusesWebhook,
  newWamid,
} from '@test/fakes/meta-graph/webhooks';
import { createTenant, testConfig } from '@test/support/test-app';

describe('MetaInboundHandler', () => {
  let moduleRef: TestingModule;
  let app: NestFastifyApplication;
  let handler: MetaInboundHandler;
  let db: DataSource;
  const known = { phoneNumberId: `pn-${newId()}` };

  beforeAll(async () => {
    register.clear();
    moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forConfig(
          testConfig({ QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}wa-handler-${randomUUID()}` }),
        ),
        WhatsappWebhooksModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    // Only the admin route that creates the tenant is used; it lives under /api/v2.
    app.setGlobalPrefix('api').enableVersioning({ type: VersioningType.URI });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    handler = moduleRef.get(MetaInboundHandler);
    db = moduleRef.get(DataSource);
    const tenant = await createTenant(app);
    await moduleRef.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'line',
      externalId: known.phoneNumberId,
      credentials: { accessToken: 't', wabaId: 'w' },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const record = (payload: unknown, attempts = 0): InboundEventRecord => ({
    id: newId(),
    source: 'meta',
    externalId: randomUUID(),
    tenantId: null,
    accountRef: null,
    payload,
    receivedAt: new Date(),
    attempts,
  });

  it('retries while a status names a message not recorded yet, then settles', async () => {
    const body = metaStatusesWebhook(
      known,
      metaStatus({ id: newWamid(), status: 'delivered', recipientId: '5511900000010' }),
    );
    await expect(handler.handle(record(body, 0))).rejects.toBeInstanceOf(
      StatusesNotYetMatchedError,
    );
    await expect(handler.handle(record(body, UNMATCHED_STATUS_RETRIES))).resolves.toBeUndefined();
  });

  it('stores the known number’s messages of a batch that also names an unknown number', async () => {
    const mine = newWamid();
    const theirs = newWamid();
    const body = metaBatchWebhook(
      metaChange(known, {
        sender: { waId: '5511900000011' },
        messages: [metaMessages.text({ from: '5511900000011', id: mine }, 'oi')],
      }),
      metaChange(
        { phoneNumberId: `pn-unknown-${newId()}`, wabaId: 'other-waba' },
        {
          sender: { waId: '5511900000012' },
          messages: [metaMessages.text({ from: '5511900000012', id: theirs }, 'oi')],
        },
      ),
    );
    await handler.handle(record(body));
    const stored = await db.query<{ provider_message_id: string }[]>(
      `SELECT provider_message_id FROM messages WHERE provider_message_id = ANY($1)`,
      [[mine, theirs]],
    );
    expect(stored.map((row) => row.provider_message_id)).toEqual([mine]);
    const metric = await register.getSingleMetric('whatsapp_webhook_unknown_account_total')?.get();
    expect(metric?.values[0]?.value).toBe(1);
  });

  it('stores every documented message type once, even when handled twice', async () => {
    const from = { from: '5511900000013' };
    const messages = [
      metaMessages.text(from, 'texto'),
      metaMessages.image(from, 'm1', 'legenda'),
      metaMessages.audio(from, 'm2', true),
      metaMessages.video(from, 'm3'),
      metaMessages.document(from, 'm4', 'nota.pdf'),
      metaMessages.sticker(from, 'm5', true),
      metaMessages.location(from, -23.55, -46.63, 'Sé'),
      metaMessages.contacts(from, [{ name: { formatted_name: 'Ana' } }]),
      metaMessages.buttonReply(from, 'yes', 'Sim'),
      metaMessages.listReply(from, 'opt-1', 'Opção 1'),
      metaMessages.flowReply(from, { answer: 42 }),
      metaMessages.templateButton(from, 'Parar', 'STOP'),
      metaMessages.reaction(from, newWamid(), '❤️'),
      metaMessages.unsupported(from),
    ];
    const body = metaBatchWebhook(
      metaChange(known, { sender: { waId: '5511900000013' }, messages }),
    );
    await handler.handle(record(body));
    await handler.handle(record(body, 1));
    const rows = await db.query<{ type: string }[]>(
      `SELECT type FROM messages WHERE provider_message_id = ANY($1) ORDER BY platform_timestamp, type`,
      [messages.map((m) => m.id)],
    );
    expect(rows.map((r) => r.type).sort()).toEqual(
      [
        'audio',
        'button_reply',
        'contacts',
        'document',
        'image',
        'interactive_reply',
        'interactive_reply',
        'location',
        'reaction',
        'sticker',
        'text',
        'unsupported',
        'unsupported',
        'video',
      ].sort(),
    );
  });
});
