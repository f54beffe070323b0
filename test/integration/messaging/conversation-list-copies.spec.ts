import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ContactMerge } from '@app/messaging/contacts/contact-merge';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { MessageChangesRepository } from '@app/messaging/messages/message-changes.repository';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { MessageRetention } from '@app/messaging/privacy/message-retention';
import { MessagingDataContributor } from '@app/messaging/privacy/messaging-data.contributor';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { SeededContact, seedAccount, seedContact } from '../privacy/privacy-harness';

interface Listed {
  contact: {
    id: string;
    displayName: string | null;
    phone: string | null;
    avatarUrl: string | null;
  };
  lastMessage: { id: string; direction: string; type: string; text: string | null } | null;
}

/**
 * The conversation list reads copies of the last message and of the contact off the
 * conversation row (migration 1795405000000). Each write path is driven through the service
 * that owns it, and afterwards the list must show what the messages and contacts hold, and
 * the copy must equal the same columns derived afresh from those tables.
 */
describe('Conversation list copies of the last message and the contact', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let account: string;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    tenant = await createTenant(app);
    account = await seedAccount(app, tenant);
  });

  afterAll(() => app.close());

  const listed = async (conversationId: string): Promise<Listed> => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${conversationId}`,
      headers: tenant.headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Listed>();
  };

  /** The copy on the row, and the same columns computed from messages and contacts now. */
  const expectCopyCurrent = async (conversationId: string) => {
    const [row]: { copy: unknown; fresh: unknown }[] = await db.query(
      `SELECT json_build_array(c.last_message_id, c.last_message_direction, c.last_message_type,
                               c.last_message_text, c.last_message_sealed, c.last_message_created_at,
                               c.contact_display_name, c.contact_phone, c.contact_avatar_url) AS copy,
              json_build_array(m.id, m.direction, m.type, message_preview_text(m.type, m.content),
                               m.content ? '$sealed', m.created_at,
                               ct.display_name, ct.phone, ct.avatar_url) AS fresh
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
         LEFT JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id
                             ORDER BY id DESC LIMIT 1) m ON true
        WHERE c.id = $1`,
      [conversationId],
    );
    expect(row.copy).toEqual(row.fresh);
  };

  const receive = async (
    conversationId: string,
    text: string,
    on = { tenantId: tenant.id, accountId: account },
  ): Promise<string> => {
    const id = newId();
    await app.get(MessagesRepository).insertInbound({
      id,
      tenantId: on.tenantId,
      conversationId,
      channelAccountId: on.accountId,
      provider: 'privacy-test',
      providerMessageId: `in.${id}`,
      type: 'text',
      content: { text },
      platformTimestamp: new Date(),
    });
    return id;
  };

  const send = async (
    contactId: string,
    text: string,
    options: { id?: string; idempotencyKey?: string } = {},
  ): Promise<{ id: string; created: boolean }> => {
    const id = options.id ?? newId();
    const { created } = await app.get(MessagesRepository).insertOutboundTouching(
      {
        id,
        tenantId: tenant.id,
        channelAccountId: account,
        provider: 'privacy-test',
        type: 'text',
        content: { text },
        ...(options.idempotencyKey && {
          idempotency: { key: options.idempotencyKey, fingerprint: 'test' },
        }),
      },
      { contactId, at: new Date() },
    );
    return { id, created };
  };

  const newContact = (texts: string[] = ['hello']): Promise<SeededContact> =>
    seedContact(app, tenant.id, account, texts);

  it('shows each new message, received or sent, as the last one', async () => {
    const alice = await newContact();
    const received = await receive(alice.conversationId, 'Posso remarcar minha consulta?');
    expect((await listed(alice.conversationId)).lastMessage).toMatchObject({
      id: received,
      direction: 'inbound',
      type: 'text',
      text: 'Posso remarcar minha consulta?',
    });
    const { id: sent } = await send(alice.contactId, 'Claro! Qual horário?');
    expect((await listed(alice.conversationId)).lastMessage).toMatchObject({
      id: sent,
      direction: 'outbound',
      text: 'Claro! Qual horário?',
    });
    await expectCopyCurrent(alice.conversationId);
  });

  it('keeps a newer message as the last one when an older send is stored after it', async () => {
    const dora = await newContact();
    const olderId = newId();
    const received = await receive(dora.conversationId, 'Chego às 10h');
    await send(dora.contactId, 'Até logo', { id: olderId });
    expect((await listed(dora.conversationId)).lastMessage?.id).toBe(received);
    await expectCopyCurrent(dora.conversationId);
  });

  it('never shows a send whose idempotency key was taken, which is not stored', async () => {
    const eli = await newContact();
    const key = `reminder-${newId()}`;
    const first = await send(eli.contactId, 'Sua consulta é amanhã', { idempotencyKey: key });
    const replay = await send(eli.contactId, 'Sua consulta é amanhã', { idempotencyKey: key });
    expect([first.created, replay.created]).toEqual([true, false]);
    expect((await listed(eli.conversationId)).lastMessage?.id).toBe(first.id);
    await expectCopyCurrent(eli.conversationId);
  });

  it('takes the newest of several messages one statement inserts', async () => {
    const ann = await newContact();
    const ids: { id: string }[] = await db.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type,
                             content, status, provider)
       SELECT gen_random_uuid(), $1, $2, $3, 'inbound', 'text',
              jsonb_build_object('text', 'bulk ' || g), 'received', 'privacy-test'
         FROM generate_series(1, 5) g
       RETURNING id`,
      [tenant.id, ann.conversationId, account],
    );
    const newest = ids
      .map((row) => row.id)
      .sort()
      .at(-1);
    expect((await listed(ann.conversationId)).lastMessage?.id).toBe(newest);
    await expectCopyCurrent(ann.conversationId);
  });

  it('cuts a long text to the preview length', async () => {
    const bob = await newContact();
    await receive(bob.conversationId, `${'á'.repeat(119)}🙂 and more`);
    expect((await listed(bob.conversationId)).lastMessage?.text).toBe(`${'á'.repeat(119)}🙂`);
    await expectCopyCurrent(bob.conversationId);
  });

  it('keeps the last message through its status changes', async () => {
    const carol = await newContact();
    const { id: sent } = await send(carol.contactId, 'Lembrete: consulta amanhã às 9h');
    const before = await listed(carol.conversationId);
    const messages = app.get(MessagesRepository);
    await messages.markSent(sent, `wamid.${sent}`, new Date());
    await messages.applyStatus(account, `wamid.${sent}`, 'read', new Date());
    expect(await listed(carol.conversationId)).toEqual(before);
    await expectCopyCurrent(carol.conversationId);
  });

  it("shows the sender's edit of the last message, and no text once it is deleted", async () => {
    const dan = await newContact();
    const id = await receive(dan.conversationId, 'amanha as 10');
    const changes = app.get(MessageChangesRepository);
    const change = {
      kind: 'change' as const,
      accountExternalId: 'unused',
      providerMessageId: `in.${id}`,
    };
    await changes.apply(account, {
      ...change,
      change: { type: 'edited', text: 'amanhã às 11' },
      at: new Date(),
    });
    expect((await listed(dan.conversationId)).lastMessage).toMatchObject({
      id,
      text: 'amanhã às 11',
    });
    await expectCopyCurrent(dan.conversationId);

    await changes.apply(account, { ...change, change: { type: 'deleted' }, at: new Date() });
    expect((await listed(dan.conversationId)).lastMessage).toMatchObject({
      id,
      type: 'text',
      text: null,
    });
    await expectCopyCurrent(dan.conversationId);
  });

  it('ignores an edit of an older message', async () => {
    const erin = await newContact();
    const older = await receive(erin.conversationId, 'primeira');
    const newest = await receive(erin.conversationId, 'segunda');
    await app.get(MessageChangesRepository).apply(account, {
      kind: 'change',
      accountExternalId: 'unused',
      providerMessageId: `in.${older}`,
      change: { type: 'edited', text: 'primeira, editada' },
      at: new Date(),
    });
    expect((await listed(erin.conversationId)).lastMessage).toMatchObject({
      id: newest,
      text: 'segunda',
    });
    await expectCopyCurrent(erin.conversationId);
  });

  it('falls back to the newest message left when the last one is deleted, and to none', async () => {
    // A tenant of its own: retention below deletes all of the tenant's messages.
    const own = await createTenant(app);
    const on = { tenantId: own.id, accountId: await seedAccount(app, own) };
    const fay = await seedContact(app, on.tenantId, on.accountId, []);
    const kept = await receive(fay.conversationId, 'fica', on);
    const removed = await receive(fay.conversationId, 'sai', on);
    await db.query(`DELETE FROM messages WHERE id = $1`, [removed]);
    const [row]: { id: string; text: string }[] = await db.query(
      `SELECT last_message_id AS id, last_message_text AS text FROM conversations WHERE id = $1`,
      [fay.conversationId],
    );
    expect(row).toEqual({ id: kept, text: 'fica' });
    await expectCopyCurrent(fay.conversationId);

    // Retention with a cutoff after every message: the conversation stays, empty.
    const retention = app.get(MessageRetention);
    while ((await retention.deleteBatch(own.id, new Date(Date.now() + 60_000), 1)) > 0);
    const [emptied]: { id: string | null }[] = await db.query(
      `SELECT last_message_id AS id FROM conversations WHERE id = $1`,
      [fay.conversationId],
    );
    expect(emptied.id).toBeNull();
    await expectCopyCurrent(fay.conversationId);
  });

  it("shows a contact's new name and completed profile", async () => {
    const gus = await newContact();
    const contacts = app.get(ContactsService);
    await contacts.resolve(tenant.id, [{ type: 'wa_id', value: gus.waId }], {
      name: 'Gustavo Lima',
    });
    await contacts.completeProfile(tenant.id, gus.contactId, {
      name: 'ignored: a name is never overwritten',
      avatarUrl: 'https://cdn.example/gus.jpg',
    });
    expect((await listed(gus.conversationId)).contact).toEqual({
      id: gus.contactId,
      displayName: 'Gustavo Lima',
      phone: `+${gus.waId}`,
      avatarUrl: 'https://cdn.example/gus.jpg',
    });
    await expectCopyCurrent(gus.conversationId);
  });

  it("merges: the survivor's fields on every conversation, the newest message of a joined one", async () => {
    const kept = await newContact();
    const absorbed = await newContact();
    await app.get(ContactsService).resolve(tenant.id, [{ type: 'wa_id', value: absorbed.waId }], {
      name: 'Helena (Instagram)',
    });
    // The absorbed contact also writes on a second account: that conversation moves whole.
    const otherAccount = await seedAccount(app, tenant);
    const moved = await seedContact(
      app,
      tenant.id,
      otherAccount,
      ['no outro número'],
      absorbed.waId,
    );
    expect(moved.contactId).toBe(absorbed.contactId);
    const newest = await receive(absorbed.conversationId, 'a mais recente');

    await app.get(ContactMerge).merge({
      tenantId: tenant.id,
      contactId: kept.contactId,
      otherContactId: absorbed.contactId,
    });
    const joined = await listed(kept.conversationId);
    expect(joined.lastMessage).toMatchObject({ id: newest, text: 'a mais recente' });
    // The survivor had no name: it takes the absorbed one's.
    expect(joined.contact).toMatchObject({ id: kept.contactId, displayName: 'Helena (Instagram)' });
    expect((await listed(moved.conversationId)).contact).toEqual(joined.contact);
    await expectCopyCurrent(kept.conversationId);
    await expectCopyCurrent(moved.conversationId);
  });

  it('keeps nothing of an erased contact', async () => {
    const ivo = await newContact(['meu endereço é Rua das Flores, 12']);
    await app.get(ContactsService).resolve(tenant.id, [{ type: 'wa_id', value: ivo.waId }], {
      name: 'Ivo Erasable',
    });
    await receive(ivo.conversationId, 'meu endereço é Rua das Flores, 12');
    await app.get(MessagingDataContributor).erase(tenant.id, ivo.contactId);
    const left: unknown[] = await db.query(
      `SELECT 1 FROM conversations
        WHERE contact_display_name = 'Ivo Erasable' OR contact_phone = $1
           OR last_message_text LIKE '%Rua das Flores%'`,
      [`+${ivo.waId}`],
    );
    expect(left).toEqual([]);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${ivo.conversationId}`,
      headers: tenant.headers,
    });
    expect(response.statusCode).toBe(404);
  });

  it('seals the copy of a sealed text and shows it opened', async () => {
    const sealedTenant = await createTenant(app);
    const sealedAccount = await seedAccount(app, sealedTenant);
    const jo = await seedContact(app, sealedTenant.id, sealedAccount, []);
    const enabled = await app.inject({
      method: 'PUT',
      url: '/api/v2/settings/message-encryption',
      headers: sealedTenant.headers,
      payload: { enabled: true },
    });
    expect(enabled.statusCode).toBe(200);
    const id = newId();
    await app.get(MessagesRepository).insertInbound({
      id,
      tenantId: sealedTenant.id,
      conversationId: jo.conversationId,
      channelAccountId: sealedAccount,
      provider: 'privacy-test',
      providerMessageId: `in.${id}`,
      type: 'text',
      content: { text: 'my biopsy result came back' },
      platformTimestamp: new Date(),
    });
    /** The copy is stored sealed, and the list shows `last` opened. */
    const expectSealedCopyShowing = async (last: Partial<NonNullable<Listed['lastMessage']>>) => {
      const [stored]: { text: string; sealed: boolean }[] = await db.query(
        `SELECT last_message_text AS text, last_message_sealed AS sealed FROM conversations WHERE id = $1`,
        [jo.conversationId],
      );
      expect(stored).toEqual({ text: expect.stringMatching(/^v1\./), sealed: true });
      const response = await app.inject({
        method: 'GET',
        url: `/api/v2/conversations/${jo.conversationId}`,
        headers: sealedTenant.headers,
      });
      expect(response.json<Listed>().lastMessage).toMatchObject(last);
    };
    await expectSealedCopyShowing({ id, text: 'my biopsy result came back' });

    // The reply's copy is written with the conversation's touch: sealed the same way.
    const reply = newId();
    await app.get(MessagesRepository).insertOutboundTouching(
      {
        id: reply,
        tenantId: sealedTenant.id,
        channelAccountId: sealedAccount,
        provider: 'privacy-test',
        type: 'text',
        content: { text: 'we will call you today' },
      },
      { contactId: jo.contactId, at: new Date() },
    );
    await expectSealedCopyShowing({
      id: reply,
      direction: 'outbound',
      text: 'we will call you today',
    });
    await expectCopyCurrent(jo.conversationId);
  });
});
