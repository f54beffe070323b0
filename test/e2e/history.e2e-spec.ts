import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import type { InboundContent, InboundMessageEvent } from '@app/messaging/inbound/normalized-event';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { HubName } from '@core/channel/hub-name';
import { newId } from '@core/database/ids';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

interface Account {
  id: string;
  tenantId: string;
  provider: string;
  name: string;
}

describe('Conversation and message history', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let pipeline: InboundPipeline;
  let tenant: TestTenant;
  let other: TestTenant;
  let account: Account;
  let waSeq = 0;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    pipeline = app.get(InboundPipeline);
    tenant = await createTenant(app);
    other = await createTenant(app);
    account = await newAccount(tenant, 'whatsapp', 'main-line');
  });

  afterAll(async () => {
    await app.close();
  });

  async function newAccount(owner: TestTenant, hub: HubName, name: string): Promise<Account> {
    const provider = hub === 'whatsapp' ? 'meta-cloud' : 'instagram-graph';
    const created = await app.get(ChannelAccountsService).create(owner.id, {
      hub,
      provider,
      name,
      externalId: `ext-${newId()}`,
      credentials: { accessToken: 'never-shown-token' },
    });
    return { id: created.id, tenantId: owner.id, provider, name };
  }

  const nextWaId = () =>
    `55119${String(process.pid % 1000).padStart(3, '0')}${String(++waSeq).padStart(5, '0')}`;

  /** Stores one inbound message from `waId` and returns its conversation and message ids. */
  async function receive(
    on: Account,
    waId: string,
    content: InboundContent = { type: 'text', text: 'Olá' },
  ): Promise<{ conversationId: string; messageId: string }> {
    const event: InboundMessageEvent = {
      kind: 'message',
      accountExternalId: 'routed-already',
      providerMessageId: `wamid.${newId()}`,
      from: { address: waId, addressType: 'wa_id', phone: `+${waId}`, name: 'Maria' },
      sentAt: new Date(),
      content,
    };
    await pipeline.ingest(on, [event]);
    const rows: { id: string; conversation_id: string }[] = await db.query(
      `SELECT id, conversation_id FROM messages WHERE channel_account_id = $1 AND provider_message_id = $2`,
      [on.id, event.providerMessageId],
    );
    return { conversationId: rows[0].conversation_id, messageId: rows[0].id };
  }

  const get = (url: string, as: TestTenant = tenant) =>
    app.inject({ method: 'GET', url, headers: as.headers });

  /** Follows nextCursor to the end, calling `between` after each page. */
  async function readAll<T>(
    url: string,
    as: TestTenant = tenant,
    between: () => Promise<unknown> = () => Promise.resolve(),
  ): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const separator = url.includes('?') ? '&' : '?';
      const response = await get(cursor ? `${url}${separator}cursor=${cursor}` : url, as);
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: T[]; nextCursor: string | null }>();
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      await between();
    } while (cursor);
    return { items, pages };
  }

  it('pages through 57 messages newest first, each exactly once, while new ones arrive', async () => {
    const waId = nextWaId();
    const stored: string[] = [];
    let conversationId = '';
    for (let i = 0; i < 57; i += 1) {
      const result = await receive(account, waId, { type: 'text', text: `message ${i}` });
      stored.push(result.messageId);
      conversationId = result.conversationId;
    }

    let arrivedMeanwhile = 0;
    const { items, pages } = await readAll<{ id: string }>(
      `/api/v2/conversations/${conversationId}/messages?limit=10`,
      tenant,
      async () => {
        arrivedMeanwhile += 1;
        await receive(account, waId, { type: 'text', text: 'arrived while paging' });
      },
    );

    expect(pages).toBe(6);
    expect(arrivedMeanwhile).toBe(6);
    expect(items.map((item) => item.id)).toEqual([...stored].reverse());
  });

  it('lists conversations whose activity differs by microseconds each exactly once, in order', async () => {
    const owner = await createTenant(app);
    const line = await newAccount(owner, 'whatsapp', 'micro-line');
    const conversationIds: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      conversationIds.push((await receive(line, nextWaId())).conversationId);
    }
    // Sub-millisecond differences (and one exact tie, ordered by id) that a millisecond
    // cursor would collapse.
    const offsetsMicros = [1, 2, 2, 3, 4, 999, 1000, 1001];
    for (const [i, id] of conversationIds.entries()) {
      await db.query(
        `UPDATE conversations SET last_message_at = '2031-07-13 10:00:00.000000+00'::timestamptz + $2 * interval '1 microsecond' WHERE id = $1`,
        [id, offsetsMicros[i]],
      );
    }
    const expected: { id: string }[] = await db.query(
      `SELECT id FROM conversations WHERE tenant_id = $1 ORDER BY last_message_at DESC, id DESC`,
      [owner.id],
    );

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response = await get(
        `/api/v2/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        owner,
      );
      const page = response.json<{ items: { id: string }[]; nextCursor: string | null }>();
      pages.push(page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(expected.map((row) => row.id));
  });

  it('shows account, contact and a preview of the last message with each conversation', async () => {
    const waId = nextWaId();
    await receive(account, waId, { type: 'text', text: 'Posso remarcar?' });
    const { conversationId, messageId } = await receive(account, waId, {
      type: 'image',
      media: { mediaId: 'media-1', mimeType: 'image/jpeg' },
    });

    const response = await get(`/api/v2/conversations/${conversationId}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: conversationId,
      status: 'open',
      channelAccount: {
        id: account.id,
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name: 'main-line',
      },
      contact: { displayName: 'Maria', phone: `+${waId}` },
      lastMessage: { id: messageId, direction: 'inbound', type: 'image', text: null },
    });

    const textual = await receive(account, waId, { type: 'text', text: 'x'.repeat(300) });
    const listed = await get(`/api/v2/conversations?limit=1`);
    expect(listed.json().items[0]).toMatchObject({
      id: conversationId,
      lastMessage: { id: textual.messageId, type: 'text', text: 'x'.repeat(120) },
    });
  });

  it('filters conversations by channel account, contact, status and hub', async () => {
    const owner = await createTenant(app);
    const whatsapp = await newAccount(owner, 'whatsapp', 'wa');
    const instagram = await newAccount(owner, 'instagram', 'ig');
    const onWhatsapp = await receive(whatsapp, nextWaId());
    const onInstagram = await receive(instagram, nextWaId());
    const closed = await receive(whatsapp, nextWaId());
    await db.query(`UPDATE conversations SET status = 'closed' WHERE id = $1`, [
      closed.conversationId,
    ]);
    const contact: { contact_id: string }[] = await db.query(
      `SELECT contact_id FROM conversations WHERE id = $1`,
      [onWhatsapp.conversationId],
    );
    const ids = async (query: string) =>
      (await readAll<{ id: string }>(`/api/v2/conversations?${query}`, owner)).items.map(
        (item) => item.id,
      );

    expect(await ids(`channelAccountId=${instagram.id}`)).toEqual([onInstagram.conversationId]);
    expect(await ids('hub=instagram')).toEqual([onInstagram.conversationId]);
    expect(await ids('status=closed')).toEqual([closed.conversationId]);
    expect(await ids(`contactId=${contact[0].contact_id}`)).toEqual([onWhatsapp.conversationId]);
    expect(await ids('hub=whatsapp&status=open')).toEqual([onWhatsapp.conversationId]);
    expect((await ids('')).length).toBe(3);
  });

  it("filters a conversation's messages by direction, status and type", async () => {
    const waId = nextWaId();
    const text = await receive(account, waId, { type: 'text', text: 'oi' });
    const image = await receive(account, waId, { type: 'image', media: { mediaId: 'm-2' } });
    const sent = await sendFromUs(text.conversationId, 'wamid.out-' + newId());
    const url = `/api/v2/conversations/${text.conversationId}/messages`;
    const ids = async (query: string) =>
      (await readAll<{ id: string }>(`${url}?${query}`)).items.map((item) => item.id);

    expect(await ids('type=image')).toEqual([image.messageId]);
    expect(await ids('direction=outbound')).toEqual([sent]);
    expect(await ids('status=received')).toEqual([image.messageId, text.messageId]);
    expect(await ids('direction=inbound&type=text')).toEqual([text.messageId]);
  });

  /** An outbound message as the send path records it: queued, then accepted by the platform. */
  async function sendFromUs(conversationId: string, providerMessageId: string): Promise<string> {
    const id = newId();
    await app.get(MessagesRepository).insertOutbound({
      id,
      tenantId: account.tenantId,
      conversationId,
      channelAccountId: account.id,
      provider: account.provider,
      type: 'text',
      content: { text: 'Claro, que horas?' },
    });
    await app.get(MessagesRepository).markSent(id, providerMessageId, new Date(Date.now() + 1000));
    return id;
  }

  it('shows one message with its status history in lifecycle order', async () => {
    const { conversationId } = await receive(account, nextWaId());
    const providerMessageId = `wamid.out-${newId()}`;
    const id = await sendFromUs(conversationId, providerMessageId);
    const at = (s: number) => new Date(Date.now() + s * 1000);
    // read arrives before delivered, as platforms sometimes do
    await pipeline.ingest(account, [
      { kind: 'status', accountExternalId: 'x', providerMessageId, status: 'read', at: at(3) },
      { kind: 'status', accountExternalId: 'x', providerMessageId, status: 'delivered', at: at(2) },
    ]);

    const response = await get(`/api/v2/messages/${id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      id,
      conversationId,
      direction: 'outbound',
      status: 'read',
      providerMessageId,
      error: null,
      content: { text: 'Claro, que horas?' },
    });
    expect(body.history.map((entry: { status: string }) => entry.status)).toEqual([
      'queued',
      'sent',
      'delivered',
      'read',
    ]);
    expect(body.history[0].at).toBe(body.createdAt);
    expect(body.history[3].at).toBe(body.readAt);
  });

  it('shows the platform error of a failed message and ends its history with failed', async () => {
    const { conversationId } = await receive(account, nextWaId());
    const providerMessageId = `wamid.out-${newId()}`;
    const id = await sendFromUs(conversationId, providerMessageId);
    await pipeline.ingest(account, [
      {
        kind: 'status',
        accountExternalId: 'x',
        providerMessageId,
        status: 'failed',
        at: new Date(),
        error: { code: '131026', title: 'Message undeliverable' },
      },
    ]);
    const body = (await get(`/api/v2/messages/${id}`)).json();
    expect(body.error).toEqual({ code: '131026', title: 'Message undeliverable' });
    expect(body.history.map((entry: { status: string }) => entry.status)).toEqual([
      'queued',
      'sent',
      'failed',
    ]);
  });

  it("answers 404 problem+json for another tenant's conversation, message and account", async () => {
    const { conversationId, messageId } = await receive(account, nextWaId());
    for (const url of [
      `/api/v2/conversations/${conversationId}`,
      `/api/v2/conversations/${conversationId}/messages`,
      `/api/v2/messages/${messageId}`,
      `/api/v2/channel-accounts/${account.id}`,
      `/api/v2/channel-accounts/${account.name}`,
    ]) {
      const response = await get(url, other);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect((await get(url)).statusCode).toBe(200);
    }
    const listed = await get(`/api/v2/conversations?channelAccountId=${account.id}`, other);
    expect(listed.json().items).toEqual([]);
  });

  it('refuses malformed filters and cursors with 400 naming the field', async () => {
    const cursorOf = (...values: string[]) =>
      Buffer.from(JSON.stringify(values)).toString('base64url');
    const cases: [string, string][] = [
      ['/api/v2/conversations?channelAccountId=abc', 'channelAccountId'],
      ['/api/v2/conversations?contactId=1', 'contactId'],
      ['/api/v2/conversations?status=pending', 'status'],
      ['/api/v2/conversations?hub=telegram', 'hub'],
      ['/api/v2/conversations?limit=0', 'limit'],
      [`/api/v2/conversations?cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
      // In the cursor's syntax but beyond bigint, or beyond the years a timestamp holds.
      [`/api/v2/conversations?cursor=${cursorOf('9999999999999999999', newId())}`, 'cursor'],
      [`/api/v2/conversations?cursor=${cursorOf('9223372036854775807', newId())}`, 'cursor'],
      [`/api/v2/conversations?cursor=${cursorOf('-9223372036854775808', newId())}`, 'cursor'],
      [`/api/v2/conversations/${newId()}/messages?cursor=${cursorOf('12345')}`, 'cursor'],
      [`/api/v2/conversations/${newId()}/messages?direction=sideways`, 'direction'],
      [`/api/v2/conversations/${newId()}/messages?status=lost`, 'status'],
      [`/api/v2/conversations/${newId()}/messages?type=DROP%20TABLE`, 'type'],
      ['/api/v2/conversations/not-a-uuid/messages', 'id'],
      ['/api/v2/messages/not-a-uuid', 'id'],
      ['/api/v2/channel-accounts?hub=fax', 'hub'],
      [
        `/api/v2/channel-accounts?cursor=${Buffer.from('["nope"]').toString('base64url')}`,
        'cursor',
      ],
    ];
    for (const [url, field] of cases) {
      const response = await get(url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 400 });
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('lists channel accounts by hub across pages without credentials, and finds one by name', async () => {
    const owner = await createTenant(app);
    const created = [
      await newAccount(owner, 'whatsapp', 'wa-1'),
      await newAccount(owner, 'instagram', 'ig-1'),
      await newAccount(owner, 'whatsapp', 'wa-2'),
      await newAccount(owner, 'whatsapp', 'wa-3'),
    ];
    const { items, pages } = await readAll<{ id: string; hub: string }>(
      '/api/v2/channel-accounts?hub=whatsapp&limit=2',
      owner,
    );
    expect(pages).toBe(2);
    expect(items.map((item) => item.id).sort()).toEqual(
      created
        .filter((a) => a.name.startsWith('wa'))
        .map((a) => a.id)
        .sort(),
    );

    const byName = await get('/api/v2/channel-accounts/ig-1', owner);
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toMatchObject({ id: created[1].id, hub: 'instagram', name: 'ig-1' });
    expect(byName.body).not.toContain('never-shown-token');
    expect(byName.json()).not.toHaveProperty('credentials');
  });
});
