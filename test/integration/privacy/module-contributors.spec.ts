import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { newId } from '@core/database/ids';
import { PrivacyContributorRegistry } from '@core/privacy/privacy-contributor.registry';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { completedRequest, SeededContact, seedAccount, seedContact } from './privacy-harness';

/**
 * Every module holding contact data answers data subject requests through its own
 * contributor: consent, Bitrix24, TikTok and calendar beside messaging.
 */
describe('Data subject requests across modules', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let account: string;
  let tiktokAccount: string;
  let portalId: string;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'all' });
    db = app.get(DataSource);
    tenant = await createTenant(app);
    account = await seedAccount(app, tenant);
    tiktokAccount = newId();
    await db.query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'tiktok', 'tiktok-business', $3, $3, 'unused')`,
      [tiktokAccount, tenant.id, `tiktok-${tiktokAccount}`],
    );
    portalId = newId();
    await db.query(
      `INSERT INTO bitrix_portals (id, tenant_id, name, portal_url)
         VALUES ($1, $2, 'acme', 'https://acme.bitrix24.test')`,
      [portalId, tenant.id],
    );
  });

  afterAll(() => app.close());

  /** A contact with data in every module: consent, a Bitrix24 chat, a TikTok conversation. */
  const seedEverywhere = async (texts: string[]) => {
    const contact = await seedContact(app, tenant.id, account, texts);
    const tiktokUser = `tt-${contact.waId}`;
    await app.get(ContactsService).resolve(tenant.id, [
      { type: 'wa_id', value: contact.waId },
      { type: 'tiktok_user_id', value: tiktokUser },
    ]);
    const consent = await app.inject({
      method: 'POST',
      url: '/api/v2/consent/records',
      headers: tenant.headers,
      payload: {
        contact: { id: contact.contactId },
        purpose: 'marketing',
        state: 'granted',
        evidence: { wording: `ofertas ${contact.waId}` },
      },
    });
    expect(consent.statusCode).toBe(201);
    await db.query(
      `INSERT INTO bitrix_chats (id, tenant_id, portal_id, conversation_id, channel_account_id,
                                 contact_id, recipient, crm_contact_id, bitrix_chat_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 77, 501)`,
      [
        newId(),
        tenant.id,
        portalId,
        contact.conversationId,
        account,
        contact.contactId,
        contact.waId,
      ],
    );
    await db.query(
      `INSERT INTO tiktok_conversations (channel_account_id, user_id, conversation_id)
       VALUES ($1, $2, $3)`,
      [tiktokAccount, tiktokUser, `conv-${contact.waId}`],
    );
    await db.query(
      `INSERT INTO tiktok_sent_messages (channel_account_id, conversation_id, provider_message_id, sent_at)
       VALUES ($1, $2, $3, now())`,
      [tiktokAccount, `conv-${contact.waId}`, `msg-${contact.waId}`],
    );
    await db.query(
      `INSERT INTO tiktok_comment_threads (channel_account_id, video_id, comments, last_comment_at)
       VALUES ($1, '7300000000000000001', 0, now()) ON CONFLICT DO NOTHING`,
      [tiktokAccount],
    );
    await db.query(
      `INSERT INTO tiktok_comments (channel_account_id, comment_id, video_id, author_user_id, text, commented_at)
       VALUES ($1, $2, '7300000000000000001', $3, $4, now())`,
      [tiktokAccount, `c-${contact.waId}`, tiktokUser, `comment ${contact.waId}`],
    );
    return { ...contact, tiktokUser };
  };

  const download = async (url: string) => {
    const link = new URL(url);
    const answer = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(answer.statusCode).toBe(200);
    return { text: answer.body, document: JSON.parse(answer.body) as { sections: Sections } };
  };

  it("exports a section from every module with the contact's data and no one else's", async () => {
    const alice = await seedEverywhere(['alice text']);
    const bob: SeededContact = await seedEverywhere(['bob text']);

    const request = await completedRequest(app, tenant, {
      type: 'export',
      contact: { id: alice.contactId },
    });
    const { text, document } = await download(request.download!.url);

    expect(Object.keys(document.sections).sort()).toEqual(
      app.get(PrivacyContributorRegistry).names().sort(),
    );
    const { consent, bitrix, tiktok, calendar } = document.sections;
    expect(consent.history).toEqual([
      expect.objectContaining({
        purpose: 'marketing',
        state: 'granted',
        evidence: { wording: `ofertas ${alice.waId}` },
      }),
    ]);
    expect(consent.current).toEqual([expect.objectContaining({ purpose: 'marketing' })]);
    expect(bitrix.chats).toEqual([
      expect.objectContaining({
        portalId,
        conversationId: alice.conversationId,
        crmContactId: '77',
        bitrixChatId: '501',
      }),
    ]);
    expect(tiktok.conversations).toEqual([
      expect.objectContaining({ userId: alice.tiktokUser, conversationId: `conv-${alice.waId}` }),
    ]);
    expect(tiktok.comments).toEqual([
      expect.objectContaining({ commentId: `c-${alice.waId}`, text: `comment ${alice.waId}` }),
    ]);
    // No Google connection: nothing held, and the section says so.
    expect(calendar).toEqual({ appointments: [] });
    expect(text).not.toContain(bob.waId);
  });

  it('erases every module’s rows for the contact and collects a receipt from each', async () => {
    const dora = await seedEverywhere(['dora text']);
    const ed = await seedEverywhere(['ed text']);

    const request = await completedRequest(app, tenant, {
      type: 'erasure',
      contact: { id: dora.contactId },
    });

    const receipts = new Map(request.receipts!.map((receipt) => [receipt.contributor, receipt]));
    expect([...receipts.keys()].sort()).toEqual(app.get(PrivacyContributorRegistry).names().sort());
    expect(receipts.get('consent')?.deleted).toEqual({ consentDecisions: 1, consentHistory: 1 });
    expect(receipts.get('bitrix')).toMatchObject({
      deleted: { chatMappings: 1, mirroredMessages: 0, agentReplies: 0 },
      kept: [expect.objectContaining({ what: expect.stringContaining('CRM contact ids 77') })],
    });
    expect(receipts.get('tiktok')?.deleted).toEqual({
      conversations: 1,
      sentMessageReceipts: 1,
      comments: 1,
    });
    expect(receipts.get('calendar')).toEqual(expect.objectContaining({ deleted: {}, kept: [] }));

    const left = async (contactId: string, waId: string) =>
      (
        await db.query(
          `SELECT
             (SELECT count(*) FROM consent_events WHERE contact_id = $1)::int AS consent,
             (SELECT count(*) FROM bitrix_chats WHERE contact_id = $1)::int AS bitrix,
             (SELECT count(*) FROM tiktok_conversations WHERE conversation_id = $2)::int AS tiktok,
             (SELECT count(*) FROM tiktok_sent_messages WHERE conversation_id = $2)::int AS sent,
             (SELECT count(*) FROM tiktok_comments WHERE comment_id = $3)::int AS comments`,
          [contactId, `conv-${waId}`, `c-${waId}`],
        )
      )[0];
    expect(await left(dora.contactId, dora.waId)).toEqual({
      consent: 0,
      bitrix: 0,
      tiktok: 0,
      sent: 0,
      comments: 0,
    });
    expect(await left(ed.contactId, ed.waId)).toEqual({
      consent: 1,
      bitrix: 1,
      tiktok: 1,
      sent: 1,
      comments: 1,
    });
  });
});

interface Sections {
  consent: { current: unknown[]; history: unknown[] };
  bitrix: { chats: unknown[] };
  tiktok: { conversations: unknown[]; comments: unknown[] };
  calendar: unknown;
  messaging: unknown;
}
