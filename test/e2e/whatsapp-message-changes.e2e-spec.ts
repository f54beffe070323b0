import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  EVOLUTION_WEBHOOK_SECRET_HEADER,
  EvolutionWebhookKeys,
} from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionWebhooksModule } from '@app/whatsapp/evolution/evolution-webhooks.module';
import {
  EvolutionInstance,
  evolutionBodies,
  evolutionDeleted,
  evolutionEdited,
  evolutionUpsert,
  newEvolutionKeyId,
} from '@test/fakes/evolution/webhooks';
import {
  MetaBusinessNumber,
  metaMessages,
  metaMessagesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import { createTenant, createTestApp } from '@test/support/test-app';

const APP_SECRET = 'app-secret-for-message-changes';

interface Row {
  id: string;
  content: { text?: string; media?: { caption?: string } };
  edited_at: Date | null;
  deleted_at: Date | null;
}

/**
 * WhatsApp users' edits and deletions reach the stored message through both providers:
 * Evolution's `messages.edited` / `messages.delete` and Cloud API's `edit` / `revoke`.
 */
describe('WhatsApp edits and deletions', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let evolutionAccount: string;
  let cloudAccount: string;
  let secret: string;
  const instance: EvolutionInstance = { name: `inst-${newId()}`, apiKey: `key-${randomUUID()}` };
  const number: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };
  const remoteJid = '5511987651234@s.whatsapp.net';
  const waId = '5511987655678';

  beforeAll(async () => {
    app = await createTestApp(
      {
        APP_ROLE: 'all',
        META_APP_SECRET: APP_SECRET,
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}wa-changes-${randomUUID()}`,
      },
      [EvolutionWebhooksModule],
    );
    db = app.get(DataSource);
    const { id: tenantId } = await createTenant(app);
    const accounts = app.get(ChannelAccountsService);
    evolutionAccount = (
      await accounts.create(tenantId, {
        hub: 'whatsapp',
        provider: 'evolution',
        name: 'evo-line',
        externalId: instance.name,
        credentials: { baseUrl: 'https://evolution.example.com', apiKey: instance.apiKey },
      })
    ).id;
    cloudAccount = (
      await accounts.create(tenantId, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: 'cloud-line',
        externalId: number.phoneNumberId,
        credentials: { accessToken: 'token-1', wabaId: 'waba-1' },
      })
    ).id;
    secret = await app.get(EvolutionWebhookKeys).issue(tenantId, evolutionAccount, instance.apiKey);
  });

  afterAll(async () => {
    await app?.close();
  });

  const evolution = async (body: unknown) =>
    (
      await app.inject({
        method: 'POST',
        url: `/webhooks/evolution/${evolutionAccount}`,
        headers: { 'content-type': 'application/json', [EVOLUTION_WEBHOOK_SECRET_HEADER]: secret },
        payload: JSON.stringify(body),
      })
    ).statusCode;

  const meta = async (body: unknown) => {
    const raw = JSON.stringify(body);
    return (
      await app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signMetaWebhook(raw, APP_SECRET),
        },
        payload: raw,
      })
    ).statusCode;
  };

  const row = (accountId: string, providerMessageId: string) =>
    eventually(async () => {
      const rows = await db.query<Row[]>(
        `SELECT id, content, edited_at, deleted_at FROM messages
          WHERE channel_account_id = $1 AND provider_message_id = $2`,
        [accountId, providerMessageId],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    });

  const eventsOf = (messageId: string) =>
    db
      .query<{ type: string }[]>(
        `SELECT type FROM domain_events WHERE message_id = $1 ORDER BY seq`,
        [messageId],
      )
      .then((rows) => rows.map((r) => r.type));

  const settled = () =>
    eventually(async () => {
      const [{ pending }] = await db.query<{ pending: number }[]>(
        `SELECT count(*)::int AS pending FROM inbound_events WHERE processed_at IS NULL`,
      );
      expect(pending).toBe(0);
    });

  describe('through Evolution API', () => {
    it('shows the edited text and edit time, once however often Evolution redelivers, and a later edit wins', async () => {
      const keyId = newEvolutionKeyId();
      await evolution(evolutionUpsert(instance, { remoteJid, id: keyId }));
      const stored = await row(evolutionAccount, keyId);
      const at = Date.now();
      const edit = evolutionEdited(instance, keyId, { text: 'Chego às 10h' }, at);
      const codes = await Promise.all([evolution(edit), evolution(edit), evolution(edit)]);
      expect(codes).toEqual([200, 200, 200]);
      // An older edit delivered late leaves the newer text.
      await evolution(evolutionEdited(instance, keyId, { text: 'Chego às 9h' }, at - 5_000));

      await eventually(async () => {
        const edited = await row(evolutionAccount, keyId);
        expect(edited.content).toEqual({ text: 'Chego às 10h' });
        expect(edited.edited_at).toEqual(new Date(at));
      });
      await settled();
      expect(await eventsOf(stored.id)).toEqual(['message.received', 'message.edited']);

      await evolution(evolutionEdited(instance, keyId, { text: 'Chego às 11h' }, at + 1_000));
      await eventually(async () =>
        expect((await row(evolutionAccount, keyId)).content).toEqual({ text: 'Chego às 11h' }),
      );
    });

    it('replaces the caption of an edited image', async () => {
      const keyId = newEvolutionKeyId();
      await evolution(
        evolutionUpsert(instance, { remoteJid, id: keyId }, evolutionBodies.image('antes')),
      );
      await row(evolutionAccount, keyId);
      await evolution(evolutionEdited(instance, keyId, { text: 'depois', caption: true }));
      await eventually(async () =>
        expect((await row(evolutionAccount, keyId)).content.media?.caption).toBe('depois'),
      );
    });

    it.each([
      ['messages.delete with the key', (id: string) => evolutionDeleted(instance, id, 'key')],
      [
        'messages.delete with the stored message (deleted through Evolution)',
        (id: string) => evolutionDeleted(instance, id, 'stored'),
      ],
      ['messages.edited of type REVOKE', (id: string) => evolutionEdited(instance, id, 'revoke')],
    ])('removes the content of a message deleted for everyone (%s), once', async (_, deletion) => {
      const keyId = newEvolutionKeyId();
      await evolution(evolutionUpsert(instance, { remoteJid, id: keyId }));
      const stored = await row(evolutionAccount, keyId);
      const body = deletion(keyId);
      expect(await Promise.all([evolution(body), evolution(body)])).toEqual([200, 200]);
      await eventually(async () => {
        const deleted = await row(evolutionAccount, keyId);
        expect(deleted.content).toEqual({});
        expect(deleted.deleted_at).not.toBeNull();
      });
      // An edit after the deletion brings nothing back.
      await evolution(evolutionEdited(instance, keyId, { text: 'voltei' }));
      await settled();
      expect((await row(evolutionAccount, keyId)).content).toEqual({});
      expect(await eventsOf(stored.id)).toEqual(['message.received', 'message.deleted']);
    });

    it('acknowledges a change of a message it never stored, creating nothing', async () => {
      const keyId = newEvolutionKeyId();
      expect(await evolution(evolutionEdited(instance, keyId, { text: 'x' }))).toBe(200);
      expect(await evolution(evolutionDeleted(instance, keyId))).toBe(200);
      await settled();
      const rows = await db.query(`SELECT 1 FROM messages WHERE provider_message_id = $1`, [keyId]);
      expect(rows).toEqual([]);
    });
  });

  describe('through Cloud API (Coexistence numbers)', () => {
    const receive = async (message: Record<string, unknown>) =>
      expect(await meta(metaMessagesWebhook(number, { waId }, message))).toBe(200);

    it('applies an edit once however often Meta redelivers it, then a revoke removes the content', async () => {
      const wamid = newWamid();
      await receive(metaMessages.text({ from: waId, id: wamid }, 'Quero 2 pizzas'));
      const stored = await row(cloudAccount, wamid);
      const editAt = Math.floor(Date.now() / 1000) + 60;
      const edit = metaMessages.editText({ from: waId, timestamp: editAt }, wamid, 'Quero 3');
      await Promise.all([receive(edit), receive(edit)]);
      await eventually(async () => {
        const edited = await row(cloudAccount, wamid);
        expect(edited.content).toEqual({ text: 'Quero 3' });
        expect(edited.edited_at).toEqual(new Date(editAt * 1000));
      });

      await receive(metaMessages.revoke({ from: waId, timestamp: editAt + 60 }, wamid));
      await eventually(async () =>
        expect((await row(cloudAccount, wamid)).deleted_at).toEqual(new Date((editAt + 60) * 1000)),
      );
      expect((await row(cloudAccount, wamid)).content).toEqual({});
      await settled();
      expect(await eventsOf(stored.id)).toEqual([
        'message.received',
        'message.edited',
        'message.deleted',
      ]);
    });

    it('replaces the caption of an edited image', async () => {
      const wamid = newWamid();
      await receive(metaMessages.image({ from: waId, id: wamid }, 'media-1', 'antes'));
      await row(cloudAccount, wamid);
      await receive(metaMessages.editCaption({ from: waId }, wamid, 'media-1', 'depois'));
      await eventually(async () =>
        expect((await row(cloudAccount, wamid)).content.media?.caption).toBe('depois'),
      );
    });
  });
});
