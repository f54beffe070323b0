import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { QueueName } from '@core/queue/queue-names';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  EVOLUTION_WEBHOOK_SECRET_HEADER,
  EvolutionWebhookKeys,
} from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { evolutionUpsert } from '@test/fakes/evolution/webhooks';
import { eventually } from '@test/support/eventually';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

const INSTANCE = { name: `echo-${newId()}`, token: 'evolution-echo-instance-token-0123' };
const CUSTOMER = '5511987656060';
/** Between Evolution posting the echo and answering the send, as seen on real servers. */
const GAPS_MS = [100, 700, 2_000];

/**
 * Evolution posts the `send.message` echo of a send (not awaited) before it answers the send.
 * Omnihub, listening on a real port, gets the echo through its webhook route and worker while
 * the send is still waiting for its answer. The echo must settle the send, never become a
 * second message, and recording the answer afterwards must never send the text again. Before,
 * the answer hit the unique provider id the echo had taken, the job failed and was retried,
 * and the customer got the text up to 5 times.
 */
describe('Evolution echoing a send before answering it', () => {
  let app: NestFastifyApplication;
  let evolution: EvolutionFake;
  let db: DataSource;
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    evolution = await startEvolutionFake({
      globalApiKey: 'evolution-global-key',
      instances: [{ name: INSTANCE.name, token: INSTANCE.token }],
    });
    app = await createTestApp({
      APP_ROLE: 'all',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-echo-${newId()}`,
      // Pacing is not under test.
      EVOLUTION_MESSAGES_PER_MINUTE: '6000',
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    db = app.get(DataSource);
    tenant = await createTenant(app);
    accountId = (
      await app.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'evolution',
        name: 'loja',
        externalId: INSTANCE.name,
        credentials: { baseUrl: evolution.baseUrl, apiKey: INSTANCE.token },
      })
    ).id;
    const secret = await app.get(EvolutionWebhookKeys).issue(tenant.id, accountId, INSTANCE.token);
    evolution.instance(INSTANCE.name)!.webhook = {
      enabled: true,
      url: `http://127.0.0.1:${port}/webhooks/evolution/${accountId}`,
      events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
      headers: { [EVOLUTION_WEBHOOK_SECRET_HEADER]: secret },
    };
    const customerWrote = await app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${accountId}`,
      headers: { 'content-type': 'application/json', [EVOLUTION_WEBHOOK_SECRET_HEADER]: secret },
      payload: JSON.stringify(
        evolutionUpsert(
          { name: INSTANCE.name, apiKey: INSTANCE.token },
          { remoteJid: `${CUSTOMER}@s.whatsapp.net` },
        ),
      ),
    });
    expect(customerWrote.statusCode).toBe(200);
    await eventually(async () => {
      const rows = await db.query(
        `SELECT 1 FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`,
        [accountId],
      );
      expect(rows).toHaveLength(1);
    });
  });

  afterAll(async () => {
    await app?.close();
    await evolution?.close();
  });

  it.each(GAPS_MS)(
    'settles the send with its echo and sends it once (answer %i ms after the echo)',
    async (gapMs) => {
      const text = `eco em ${gapMs} ms`;
      evolution.echoSendsBeforeAnswering(gapMs);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v2/whatsapp/send/text',
        headers: tenant.headers,
        payload: { instanceId: 'loja', to: `+${CUSTOMER}`, text },
      });
      expect(response.statusCode).toBe(202);
      const id = response.json<{ id: string }>().id;

      const outbound = app.get<Queue>(getQueueToken(QueueName.Outbound));
      await eventually(async () => {
        const job = await outbound.getJob(id);
        expect(await job?.getState()).toBe('completed');
        expect(job?.returnvalue).toBe('sent');
        // The echo went through the inbox too (its job done). Only this account's rows: suites
        // running beside this one leave Evolution deliveries of their own unprocessed.
        const pending = await db.query(
          `SELECT 1 FROM inbound_events
            WHERE source = 'evolution' AND tenant_id = $1 AND processed_at IS NULL`,
          [tenant.id],
        );
        expect(pending).toHaveLength(0);
      }, 20_000);

      const deliveries = evolution.sent().filter((sent) => sent.body.text === text);
      expect(deliveries).toHaveLength(1);
      const rows = await db.query<{ id: string; status: string; provider_message_id: string }[]>(
        `SELECT id, status, provider_message_id FROM messages
          WHERE channel_account_id = $1 AND content->>'text' = $2`,
        [accountId, text],
      );
      expect(rows).toEqual([{ id, status: 'sent', provider_message_id: deliveries[0].id }]);
    },
    30_000,
  );
});
