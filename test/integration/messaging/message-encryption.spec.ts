import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { MessageChangesRepository } from '@app/messaging/messages/message-changes.repository';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { SendOutcomesRepository } from '@app/messaging/messages/send-outcomes.repository';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import {
  completedRequest,
  SeededContact,
  seedAccount,
  seedContact,
} from '../privacy/privacy-harness';

/** Words that must never be found in `messages.content` of a tenant that seals text. */
const SECRET = 'my biopsy result came back';

describe('Message text sealed at rest (per tenant)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'all' });
    db = app.get(DataSource);
  });

  afterAll(() => app.close());

  const setEncryption = (tenant: TestTenant, enabled: boolean) =>
    app.inject({
      method: 'PUT',
      url: '/api/v2/settings/message-encryption',
      headers: tenant.headers,
      payload: { enabled },
    });

  /** `messages.content` of the conversation as PostgreSQL holds it, oldest first. */
  const storedContents = async (conversationId: string): Promise<string[]> =>
    (
      await db.query<{ content: string }[]>(
        `SELECT content::text AS content FROM messages WHERE conversation_id = $1 ORDER BY id`,
        [conversationId],
      )
    ).map((row) => row.content);

  const history = async (tenant: TestTenant, conversationId: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/v2/conversations/${conversationId}/messages?limit=50`,
        headers: tenant.headers,
      })
    ).json<{ items: { id: string; type: string; content: Record<string, unknown> }[] }>().items;

  const preview = async (tenant: TestTenant, conversationId: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/v2/conversations/${conversationId}`,
        headers: tenant.headers,
      })
    ).json<{ lastMessage: { text: string | null } | null }>().lastMessage?.text;

  /** A text our contact wrote, stored through the inbound path's repository. */
  const receive = async (
    tenantId: string,
    accountId: string,
    conversationId: string,
    text: string,
  ) => {
    const id = newId();
    await app.get(MessagesRepository).insertInbound({
      id,
      tenantId,
      conversationId,
      channelAccountId: accountId,
      provider: 'privacy-test',
      providerMessageId: `in.${id}`,
      type: 'text',
      content: { text },
      platformTimestamp: new Date(),
    });
    return id;
  };

  describe('with the setting on', () => {
    let tenant: TestTenant;
    let account: string;
    let alice: SeededContact;
    let before: string;

    beforeAll(async () => {
      tenant = await createTenant(app);
      account = await seedAccount(app, tenant);
      alice = await seedContact(app, tenant.id, account, []);
      // Stored while the setting was still off: it stays plain and readable.
      before = await receive(tenant.id, account, alice.conversationId, 'written before');
      expect((await setEncryption(tenant, true)).json()).toEqual({ enabled: true });
      await receive(tenant.id, account, alice.conversationId, SECRET);
    });

    it('answers the setting it holds', async () => {
      const read = await app.inject({
        method: 'GET',
        url: '/api/v2/settings/message-encryption',
        headers: tenant.headers,
      });
      expect(read.json()).toEqual({ enabled: true });
    });

    it('keeps no plaintext of new messages in messages.content, and old ones as they were', async () => {
      const [image, old, secret] = await storedContents(alice.conversationId);
      expect(image).toContain('x-ray'); // seeded before the setting, like `old`
      expect(old).toContain('written before');
      expect(secret).not.toContain('biopsy');
      expect(JSON.parse(secret)).toEqual({
        text: expect.stringMatching(/^v1\./),
        $sealed: true,
        $textDigest: expect.any(String),
      });
    });

    it('shows new and old messages in the history API and the conversation preview', async () => {
      const messages = await history(tenant, alice.conversationId);
      expect(messages.map((m) => m.content.text)).toEqual([SECRET, 'written before', undefined]);
      expect(messages[0].content).toEqual({ text: SECRET });
      expect(await preview(tenant, alice.conversationId)).toBe(SECRET);
      const one = await app.inject({
        method: 'GET',
        url: `/api/v2/messages/${before}`,
        headers: tenant.headers,
      });
      expect(one.json<{ content: unknown }>().content).toEqual({ text: 'written before' });
    });

    it('hands the opened text to stream listeners (consent keywords)', async () => {
      const id = await receive(tenant.id, account, alice.conversationId, 'PARAR');
      expect((await app.get(MessageLookup).received(tenant.id, id))?.text).toBe('PARAR');
    });

    it('seals an edit of a sealed message and shows the new text', async () => {
      const id = await receive(tenant.id, account, alice.conversationId, 'first words');
      const outcome = await app.get(MessageChangesRepository).apply(account, {
        kind: 'change',
        accountExternalId: 'unused',
        providerMessageId: `in.${id}`,
        change: { type: 'edited', text: 'second thoughts' },
        at: new Date(),
      });
      expect(outcome).toBe('applied');
      const [row] = await db.query<{ content: string }[]>(
        `SELECT content::text AS content FROM messages WHERE id = $1`,
        [id],
      );
      expect(row.content).not.toMatch(/first words|second thoughts/);
      const shown = (await history(tenant, alice.conversationId)).find((m) => m.id === id);
      expect(shown?.content).toEqual({ text: 'second thoughts' });
    });

    it('matches the echo of our own sealed send to that send', async () => {
      const id = newId();
      await app.get(MessagesRepository).insertOutbound({
        id,
        tenantId: tenant.id,
        conversationId: alice.conversationId,
        channelAccountId: account,
        provider: 'privacy-test',
        type: 'text',
        content: { text: 'your results are ready', to: alice.waId },
      });
      const outcomes = app.get(SendOutcomesRepository);
      expect(await outcomes.claim(id, { id: 'test-worker', leaseMs: 60_000 })).toBe(true);
      const echo = {
        conversationId: alice.conversationId,
        channelAccountId: account,
        type: 'text',
        sentAt: new Date(),
      };
      // Another text is not this send; the same text is.
      expect(
        await outcomes.settleByEcho({ ...echo, providerMessageId: `x.${id}`, text: 'other' }),
      ).toBe(false);
      expect(
        await outcomes.settleByEcho({
          ...echo,
          providerMessageId: `echo.${id}`,
          text: 'your results are ready',
        }),
      ).toBe(true);
      const [row] = await db.query<
        { status: string; provider_message_id: string; content: string }[]
      >(
        `SELECT status, provider_message_id, content::text AS content FROM messages WHERE id = $1`,
        [id],
      );
      expect(row).toMatchObject({ status: 'sent', provider_message_id: `echo.${id}` });
      expect(row.content).not.toContain('results are ready');
      const found = await app.get(MessagesRepository).findOutboundForSend(id);
      expect(found?.message.content).toEqual({ text: 'your results are ready', to: alice.waId });
    });

    it('exports the opened text and erases the contact’s messages', async () => {
      const bob = await seedContact(app, tenant.id, account, ['bob sealed words']);
      const exported = await completedRequest(app, tenant, {
        type: 'export',
        contact: { id: bob.contactId },
      });
      const link = new URL(exported.download!.url);
      const download = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
      expect(download.body).toContain('bob sealed words');
      expect(download.body).toContain('x-ray');
      expect(download.body).not.toContain('v1.');

      const erased = await completedRequest(app, tenant, {
        type: 'erasure',
        contact: { id: bob.contactId },
      });
      expect(erased.status).toBe('completed');
      expect(await storedContents(bob.conversationId)).toEqual([]);
      const gone = await app.inject({
        method: 'GET',
        url: `/api/v2/messages/${bob.messageIds[0]}`,
        headers: tenant.headers,
      });
      expect(gone.statusCode).toBe(404);
      // Alice, another contact of the tenant, keeps her messages.
      expect((await history(tenant, alice.conversationId)).map((m) => m.content.text)).toContain(
        SECRET,
      );
    });

    it('does not open a sealed text moved to another message', async () => {
      const [a, b] = await db.query<{ id: string }[]>(
        `SELECT id FROM messages WHERE conversation_id = $1 AND content ? '$sealed' AND type = 'text'
          ORDER BY id LIMIT 2`,
        [alice.conversationId],
      );
      await db.query(
        `UPDATE messages SET content = (SELECT content FROM messages WHERE id = $1) WHERE id = $2`,
        [a.id, b.id],
      );
      const read = await app.inject({
        method: 'GET',
        url: `/api/v2/messages/${b.id}`,
        headers: tenant.headers,
      });
      expect(read.statusCode).toBe(503);
      expect(read.json<{ code: string }>().code).toBe('SECRETS.UNREADABLE');
      expect(read.body).not.toContain('biopsy');
    });
  });

  describe('with the setting off', () => {
    it('stores, shows and matches text as before', async () => {
      const tenant = await createTenant(app);
      const account = await seedAccount(app, tenant);
      const carol = await seedContact(app, tenant.id, account, []);
      await receive(tenant.id, account, carol.conversationId, SECRET);
      const [, stored] = await storedContents(carol.conversationId);
      expect(JSON.parse(stored)).toEqual({ text: SECRET });
      expect(await preview(tenant, carol.conversationId)).toBe(SECRET);
      expect((await history(tenant, carol.conversationId))[0].content).toEqual({ text: SECRET });

      expect((await setEncryption(tenant, true)).statusCode).toBe(200);
      expect((await setEncryption(tenant, false)).json()).toEqual({ enabled: false });
      await receive(tenant.id, account, carol.conversationId, 'after turning it off');
      const contents = (await storedContents(carol.conversationId)).map((c) => JSON.parse(c));
      expect(contents[contents.length - 1]).toEqual({ text: 'after turning it off' });
    });

    it('refuses a setting that is not a boolean, naming the field', async () => {
      const tenant = await createTenant(app);
      const answer = await app.inject({
        method: 'PUT',
        url: '/api/v2/settings/message-encryption',
        headers: tenant.headers,
        payload: { enabled: 'yes' },
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toContain('enabled');
    });
  });
});
