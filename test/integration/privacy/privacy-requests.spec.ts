import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import type { InboundMessageEvent } from '@app/messaging/inbound/normalized-event';
import { ExportLinks } from '@app/privacy/exports/export-links';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { completedRequest, SeededContact, seedAccount, seedContact } from './privacy-harness';

/** A second module holding contact data, as consent or calendar will: it plugs in alone. */
@Injectable()
@PrivacyContributor()
class NotesContributor implements DataContributor {
  readonly name = 'notes';
  readonly notes = new Map<string, string>();
  readonly erased: string[] = [];

  export(tenantId: string, contactId: string): Promise<unknown> {
    return Promise.resolve({ note: this.notes.get(`${tenantId}:${contactId}`) ?? null });
  }

  erase(tenantId: string, contactId: string): Promise<ErasureReceipt> {
    this.erased.push(contactId);
    const had = this.notes.delete(`${tenantId}:${contactId}`);
    return Promise.resolve({
      deleted: { notes: had ? 1 : 0 },
      kept: [{ what: 'Notes synced to the CRM', reason: 'The CRM is the tenant’s own system' }],
    });
  }
}

@Module({ providers: [NotesContributor] })
class NotesModule {}

describe('Data subject requests', () => {
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let other: TestTenant;
  let account: string;
  let otherAccount: string;
  let notes: NotesContributor;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'all' }, [NotesModule]);
    notes = app.get(NotesContributor);
    tenant = await createTenant(app);
    other = await createTenant(app);
    account = await seedAccount(app, tenant);
    otherAccount = await seedAccount(app, other);
  });

  afterAll(() => app.close());

  const get = (url: string, who?: TestTenant) =>
    app.inject({ method: 'GET', url, headers: who?.headers ?? {} });

  describe('export', () => {
    let alice: SeededContact;
    let bob: SeededContact;
    let carol: SeededContact;

    beforeAll(async () => {
      alice = await seedContact(app, tenant.id, account, ['alice asks about her exam']);
      bob = await seedContact(app, tenant.id, account, ['bob private words']);
      carol = await seedContact(app, other.id, otherAccount, ['carol of another tenant']);
      notes.notes.set(`${tenant.id}:${alice.contactId}`, 'prefers mornings');
      notes.notes.set(`${tenant.id}:${bob.contactId}`, 'bob note');
    });

    it("holds every module's data on the contact and nothing of another contact or tenant", async () => {
      const request = await completedRequest(app, tenant, {
        type: 'export',
        contact: { identity: { type: 'wa_id', value: alice.waId } },
      });
      expect(request.download?.url).toBeDefined();
      const link = new URL(request.download!.url);
      const download = await get(`${link.pathname}${link.search}`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-disposition']).toContain('attachment');
      const text = download.body;
      const document = JSON.parse(text) as {
        sections: {
          messaging: {
            contact: { id: string };
            identities: unknown[];
            conversations: { id: string }[];
            messages: { id: string }[];
            media: unknown[];
          };
          notes: { note: string };
        };
      };
      const messaging = document.sections.messaging;
      expect(messaging.contact.id).toBe(alice.contactId);
      expect(messaging.identities).toEqual([expect.objectContaining({ value: alice.waId })]);
      expect(messaging.conversations.map((c) => c.id)).toEqual([alice.conversationId]);
      expect(messaging.messages.map((m) => m.id)).toEqual(alice.messageIds);
      expect(messaging.media).toEqual([
        { messageId: alice.messageIds[1], media: { mediaId: `media-${alice.waId}` } },
      ]);
      expect(document.sections.notes).toEqual({ note: 'prefers mornings' });
      expect(text).toContain('alice asks about her exam');
      for (const foreign of [bob.waId, 'bob private words', 'bob note', carol.waId, 'carol of'])
        expect(text).not.toContain(foreign);
    });

    it('refuses a link with a wrong signature or an expired one, and another tenant’s status', async () => {
      const request = await completedRequest(app, tenant, {
        type: 'export',
        contact: { id: bob.contactId },
      });
      const link = new URL(request.download!.url);
      link.searchParams.set('signature', 'f'.repeat(64));
      const forged = await get(`${link.pathname}${link.search}`);
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toMatchObject({ code: 'PRIVACY.EXPORT_LINK_INVALID' });
      const expired = new URL(app.get(ExportLinks).link(request.id, new Date(Date.now() - 1000)));
      expect((await get(`${expired.pathname}${expired.search}`)).statusCode).toBe(401);
      expect((await get(`/api/v2/privacy/requests/${request.id}`, other)).statusCode).toBe(404);
    });
  });

  describe('erasure', () => {
    it('removes the contact’s messages from every route, keeps others’, and collects every receipt', async () => {
      const dora = await seedContact(app, tenant.id, account, ['dora symptoms', 'dora address']);
      const ed = await seedContact(app, tenant.id, account, ['ed stays']);
      notes.notes.set(`${tenant.id}:${dora.contactId}`, 'dora note');

      const request = await completedRequest(app, tenant, {
        type: 'erasure',
        contact: { id: dora.contactId },
      });

      expect(request.receipts?.map((r) => r.contributor).sort()).toEqual([
        'bitrix',
        'calendar',
        'consent',
        'messaging',
        'notes',
        'tiktok',
      ]);
      expect(request.receipts?.find((r) => r.contributor === 'messaging')?.deleted).toEqual({
        contacts: 1,
        identities: 1,
        conversations: 1,
        messages: 3,
        mediaReferences: 1,
      });
      expect(request.receipts?.find((r) => r.contributor === 'notes')).toMatchObject({
        deleted: { notes: 1 },
        kept: [expect.objectContaining({ what: 'Notes synced to the CRM' })],
      });

      for (const id of dora.messageIds)
        expect((await get(`/api/v2/messages/${id}`, tenant)).statusCode).toBe(404);
      expect((await get(`/api/v2/conversations/${dora.conversationId}`, tenant)).statusCode).toBe(
        404,
      );
      expect(
        (await get(`/api/v2/conversations/${dora.conversationId}/messages`, tenant)).statusCode,
      ).toBe(404);
      const listed = await get('/api/v2/conversations?limit=100', tenant);
      expect(listed.body).not.toContain(dora.conversationId);
      for (const id of ed.messageIds)
        expect((await get(`/api/v2/messages/${id}`, tenant)).statusCode).toBe(200);

      const db = app.get(DataSource);
      const events: { type: string }[] = await db.query(
        `SELECT type FROM domain_events WHERE tenant_id = $1 AND contact_id = $2 AND type = 'contact.erased'`,
        [tenant.id, dora.contactId],
      );
      expect(events).toHaveLength(1);
      const audited: { action: string }[] = await db.query(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2 ORDER BY seq`,
        [tenant.id, request.id],
      );
      expect(audited.map((row) => row.action)).toEqual([
        'privacy.erasure_requested',
        'privacy.erasure_completed',
      ]);
    });

    it('makes the same number writing again a new contact', async () => {
      const fay = await seedContact(app, tenant.id, account, ['fay first life']);
      await completedRequest(app, tenant, { type: 'erasure', contact: { id: fay.contactId } });
      const again = await app
        .get(ContactsService)
        .resolve(tenant.id, [{ type: 'wa_id', value: fay.waId }]);
      expect(again).not.toBe(fay.contactId);
      expect(await app.get(ContactsService).identitiesOf(tenant.id, again)).toEqual([
        { type: 'wa_id', value: fay.waId },
      ]);
    });
    it('stores a new message from the erased number under a new contact, without the old history', async () => {
      const created = await app.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: 'erasure-inbound',
        externalId: `pn-${newId()}`,
        credentials: { accessToken: 'unused', wabaId: 'waba-erasure' },
      });
      const account = { id: created.id, tenantId: tenant.id, provider: 'meta-cloud' };
      const waId = `55119${Math.floor(Math.random() * 1e8)}`;
      const writes = (text: string): InboundMessageEvent => ({
        kind: 'message',
        accountExternalId: 'ignored-here',
        providerMessageId: `wamid.${newId()}`,
        from: { address: waId, addressType: 'wa_id', phone: `+${waId}`, name: 'Gil' },
        sentAt: new Date(),
        content: { type: 'text', text },
      });
      const db = app.get(DataSource);
      const stored = async (event: InboundMessageEvent) => {
        const [row]: { contactId: string; conversationId: string }[] = await db.query(
          `SELECT c.contact_id AS "contactId", c.id AS "conversationId"
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.provider_message_id = $1`,
          [event.providerMessageId],
        );
        return row;
      };
      const first = writes('gil first life');
      await app.get(InboundPipeline).ingest(account, [first]);
      const before = await stored(first);

      await completedRequest(app, tenant, { type: 'erasure', contact: { id: before.contactId } });
      const again = writes('gil again');
      await app.get(InboundPipeline).ingest(account, [again]);
      const after = await stored(again);

      expect(after.contactId).not.toBe(before.contactId);
      expect(after.conversationId).not.toBe(before.conversationId);
      const history = await get(`/api/v2/conversations/${after.conversationId}/messages`, tenant);
      expect(history.statusCode).toBe(200);
      expect(history.body).toContain('gil again');
      expect(history.body).not.toContain('gil first life');
    });
  });

  describe('filing', () => {
    it('answers 404 for another tenant’s contact and 400 for a missing or ambiguous reference', async () => {
      const gus = await seedContact(app, other.id, otherAccount, ['gus']);
      const post = (payload: object) =>
        app.inject({
          method: 'POST',
          url: '/api/v2/privacy/requests',
          headers: tenant.headers,
          payload,
        });
      expect((await post({ type: 'erasure', contact: { id: gus.contactId } })).statusCode).toBe(
        404,
      );
      const both = await post({
        type: 'export',
        contact: { id: gus.contactId, identity: { type: 'wa_id', value: gus.waId } },
      });
      expect(both.statusCode).toBe(400);
      expect((await post({ type: 'export' })).statusCode).toBe(400);
      expect((await post({ type: 'export', contact: {} })).statusCode).toBe(400);
    });

    it('lists requests with a due date 15 days out', async () => {
      const hal = await seedContact(app, tenant.id, account, ['hal']);
      await completedRequest(app, tenant, { type: 'export', contact: { id: hal.contactId } });
      const page = await get('/api/v2/privacy/requests?limit=100', tenant);
      const items = page.json<{ items: { createdAt: string; dueAt: string }[] }>().items;
      expect(items.length).toBeGreaterThan(0);
      for (const item of items)
        expect(Date.parse(item.dueAt) - Date.parse(item.createdAt)).toBeGreaterThan(
          15 * 86_400_000 - 60_000,
        );
    });
  });
});
