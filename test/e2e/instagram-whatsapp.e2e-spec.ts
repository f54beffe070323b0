import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { newMid } from '@test/fakes/instagram/webhooks';
import {
  MetaBusinessNumber,
  metaMessages,
  metaMessagesWebhook,
  newWamid,
} from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import {
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';
import { TestTenant } from '@test/support/test-app';

const SHOP = fakeInstagramAccount('041', 'loja.duas.vias');

interface Placed {
  contactId: string;
  conversationId: string;
  channelAccountId: string;
}

/**
 * The same business on WhatsApp (Cloud API) and Instagram, one Meta app: both products'
 * webhooks arrive on /webhooks/meta, each reaches its own module; the person who writes on
 * both can become one contact; Instagram accounts live through the channel-accounts routes.
 */
describe('Instagram beside WhatsApp', () => {
  let ig: InstagramScenario;
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let whatsappAccountId: string;
  let instagramAccountId: string;
  const number: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };

  beforeAll(async () => {
    ig = await startInstagramScenario({
      accounts: [SHOP],
      appSecret: 'one-meta-app-for-whatsapp-and-instagram',
      queueName: 'instagram-whatsapp',
      connect: { name: 'ig', account: SHOP },
    });
    ({ app, db, tenant, accountId: instagramAccountId } = ig);
    whatsappAccountId = (
      await app.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: 'wa',
        externalId: number.phoneNumberId,
        credentials: { accessToken: 'token-wa-two-ways', wabaId: 'waba-1' },
      })
    ).id;
  });

  afterAll(async () => {
    await ig?.close();
  });

  /** Both products' deliveries are signed by the one Meta app. */
  const deliver = async (body: unknown) => {
    const response = await ig.webhook(body);
    expect(response.statusCode).toBe(200);
  };

  const placed = (providerMessageId: string) =>
    eventually(async () => {
      const rows = await db.query<Placed[]>(
        `SELECT v.contact_id AS "contactId", v.id AS "conversationId",
                m.channel_account_id AS "channelAccountId"
           FROM messages m JOIN conversations v ON v.id = m.conversation_id
          WHERE m.provider_message_id = $1`,
        [providerMessageId],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    });

  const onWhatsapp = async (waId: string, text: string) => {
    const wamid = newWamid();
    await deliver(
      metaMessagesWebhook(number, { waId }, metaMessages.text({ from: waId, id: wamid }, text)),
    );
    return placed(wamid);
  };

  const onInstagram = async (igsid: string, text: string) => {
    const mid = newMid();
    expect((await ig.personSends(SHOP, igsid, { message: { mid, text } })).statusCode).toBe(200);
    return placed(mid);
  };

  const channelAccounts = (method: 'GET' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    app.inject({
      method,
      url: `/api/v2/channel-accounts${path}`,
      headers: tenant.headers,
      ...(payload ? { payload } : {}),
    });

  const sendText = (to: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'ig', to, type: 'text', text: { body: 'Olá!' } },
    });

  it('takes a WhatsApp and an Instagram delivery signed by one Meta app on /webhooks/meta, each onto its own account', async () => {
    const wa = await onWhatsapp('5511970004101', 'Oi pelo WhatsApp');
    const ig = await onInstagram('7000000000000401', 'Oi pelo Instagram');
    expect(wa.channelAccountId).toBe(whatsappAccountId);
    expect(ig.channelAccountId).toBe(instagramAccountId);
    expect(ig.contactId).not.toBe(wa.contactId);

    // Instagram's media route knows the WhatsApp message exists, and says it is not its own.
    const [{ id }] = await db.query<{ id: string }[]>(
      `SELECT id FROM messages WHERE conversation_id = $1`,
      [wa.conversationId],
    );
    const media = await app.inject({
      method: 'GET',
      url: `/api/v2/instagram/messages/${id}/media`,
      headers: tenant.headers,
    });
    expect(media.statusCode).toBe(422);
    expect(media.json().code).toBe('INSTAGRAM.NOT_INSTAGRAM_MESSAGE');
  });

  it("merges the person's Instagram contact into their WhatsApp contact; their next DM lands on it", async () => {
    const wa = await onWhatsapp('5511970004102', 'Sou a Bia');
    const ig = await onInstagram('7000000000000402', 'Sou a Bia no Insta');

    const merged = await app.inject({
      method: 'POST',
      url: `/api/v2/contacts/${wa.contactId}/merge`,
      headers: tenant.headers,
      payload: { otherContactId: ig.contactId },
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ contactId: wa.contactId, identitiesMoved: 1 });
    const identities = await db.query<{ type: string; value: string }[]>(
      `SELECT type, value FROM contact_identities WHERE contact_id = $1 ORDER BY type, value`,
      [wa.contactId],
    );
    expect(identities).toEqual(
      expect.arrayContaining([
        { type: 'igsid', value: '7000000000000402' },
        { type: 'wa_id', value: '5511970004102' },
      ]),
    );

    const later = await onInstagram('7000000000000402', 'Voltei');
    expect(later).toEqual({ ...ig, contactId: wa.contactId });
  });

  it('switches an Instagram account off and on through the channel-accounts routes', async () => {
    await onInstagram('7000000000000403', 'Oi');
    const off = await channelAccounts('PATCH', '/ig', { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ hub: 'instagram', enabled: false, status: 'disabled' });
    const refused = await sendText('7000000000000403');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('CHANNEL_ACCOUNT.NOT_ACTIVE');

    const on = await channelAccounts('PATCH', '/ig', { enabled: true });
    expect(on.json()).toMatchObject({ enabled: true, status: 'active' });
    expect((await sendText('7000000000000403')).statusCode).toBe(202);
    const listed = (await channelAccounts('GET', '')).json().items as { name: string }[];
    expect(listed.map((a) => a.name).sort()).toEqual(['ig', 'wa']);
  });

  it('deletes an Instagram account: gone from the routes, its history kept', async () => {
    const kept = await onInstagram('7000000000000404', 'Fica registrado');
    expect((await channelAccounts('DELETE', '/ig')).statusCode).toBe(204);
    expect((await channelAccounts('GET', '/ig')).statusCode).toBe(404);
    const history = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${kept.conversationId}/messages`,
      headers: tenant.headers,
    });
    expect(history.statusCode).toBe(200);
    expect(
      history.json().items.map((m: { content: { text?: string } }) => m.content.text),
    ).toContain('Fica registrado');
  });
});
