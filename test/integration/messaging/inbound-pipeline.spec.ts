import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import type {
  InboundMessageEvent,
  StatusUpdateEvent,
} from '@app/messaging/inbound/normalized-event';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { newId } from '@core/database/ids';
import { incompressibleText } from '@test/support/oversized-text';
import { createTenant, createTestApp } from '@test/support/test-app';

describe('Inbound pipeline', () => {
  let app: NestFastifyApplication;
  let pipeline: InboundPipeline;
  let db: DataSource;
  let account: { id: string; tenantId: string; provider: string };

  beforeAll(async () => {
    app = await createTestApp();
    pipeline = app.get(InboundPipeline);
    db = app.get(DataSource);
    const tenant = await createTenant(app);
    const created = await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'main',
      externalId: `pn-${newId()}`,
      credentials: { accessToken: 'secret-token', wabaId: 'waba-1' },
    });
    account = { id: created.id, tenantId: tenant.id, provider: 'meta-cloud' };
  });

  afterAll(async () => {
    await app.close();
  });

  const textFrom = (waId: string, id = `wamid.${newId()}`, text = 'Olá'): InboundMessageEvent => ({
    kind: 'message',
    accountExternalId: 'ignored-here',
    providerMessageId: id,
    from: { address: waId, addressType: 'wa_id', phone: `+${waId}`, name: 'Maria' },
    sentAt: new Date(),
    content: { type: 'text', text },
  });

  const count = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: string }[]>(sql, params))[0].n);

  it('stores a message once however many times it is delivered, even concurrently', async () => {
    const event = textFrom('5511900000001');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => pipeline.ingest(account, [event])),
    );
    expect(results.reduce((n, r) => n + r.stored, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(19);
    expect(
      await count(`SELECT count(*) AS n FROM messages WHERE provider_message_id = $1`, [
        event.providerMessageId,
      ]),
    ).toBe(1);
  });

  it('makes one contact and one conversation of a new person writing several messages at once', async () => {
    const waId = '5511900000002';
    await Promise.all(Array.from({ length: 10 }, () => pipeline.ingest(account, [textFrom(waId)])));
    expect(
      await count(
        `SELECT count(DISTINCT contact_id) AS n FROM contact_identities WHERE tenant_id = $1 AND value = $2`,
        [account.tenantId, waId],
      ),
    ).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM contacts WHERE tenant_id = $1 AND phone = $2`, [
        account.tenantId,
        `+${waId}`,
      ]),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.tenant_id = $1 AND i.value = $2`,
        [account.tenantId, waId],
      ),
    ).toBe(1);
  });

  it('opens the 24-hour window at the time the customer wrote', async () => {
    const event = { ...textFrom('5511900000003'), sentAt: new Date('2026-11-20T10:00:00Z') };
    await pipeline.ingest(account, [event]);
    const rows = await db.query<{ last_inbound_at: Date }[]>(
      `SELECT c.last_inbound_at FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.tenant_id = $1 AND i.value = $2`,
      [account.tenantId, '5511900000003'],
    );
    expect(rows[0].last_inbound_at.toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('moves an outbound message forward only, whatever order the statuses arrive in', async () => {
    const messages = app.get(MessagesRepository);
    const inbound = textFrom('5511900000004');
    await pipeline.ingest(account, [inbound]);
    const conversationId = (
      await db.query<{ conversation_id: string }[]>(
        `SELECT conversation_id FROM messages WHERE provider_message_id = $1`,
        [inbound.providerMessageId],
      )
    )[0].conversation_id;
    const { id } = await messages.insertOutbound({
      id: newId(),
      tenantId: account.tenantId,
      conversationId,
      channelAccountId: account.id,
      provider: 'meta-cloud',
      type: 'text',
      content: { text: 'Oi' },
    });
    await messages.markSent(id, 'wamid.out-1', new Date());
    const status = (s: StatusUpdateEvent['status']): StatusUpdateEvent => ({
      kind: 'status',
      accountExternalId: 'ignored-here',
      providerMessageId: 'wamid.out-1',
      status: s,
      at: new Date(),
    });
    await pipeline.ingest(account, [
      status('read'),
      status('delivered'),
      status('sent'),
      status('sent'),
    ]);
    const row = (
      await db.query(`SELECT status, read_at, delivered_at, sent_at FROM messages WHERE id = $1`, [
        id,
      ])
    )[0];
    expect(row.status).toBe('read');
    expect(row.delivered_at).not.toBeNull();
    expect(row.read_at).not.toBeNull();

    await pipeline.ingest(account, [
      { ...status('failed'), error: { code: '131026', title: 'Message undeliverable' } },
    ]);
    expect(
      (await db.query(`SELECT status, error_code FROM messages WHERE id = $1`, [id]))[0],
    ).toEqual({
      status: 'read',
      error_code: null,
    });
  });

  it('counts status updates for messages it does not know as unmatched', async () => {
    const summary = await pipeline.ingest(account, [
      {
        kind: 'status',
        accountExternalId: 'x',
        providerMessageId: 'wamid.unknown',
        status: 'delivered',
        at: new Date(),
      },
    ]);
    expect(summary).toEqual({
      stored: 0,
      duplicates: 0,
      statusesApplied: 0,
      statusesUnmatched: 1,
      changesApplied: 0,
      changesUnmatched: 0,
      skipped: 0,
    });
  });

  it('skips events whose ids no index can hold, and stores their neighbours', async () => {
    const long = incompressibleText(4_000, 'pipeline-long-id');
    const longDigits = incompressibleText(4_000, 'pipeline-long-wa-id', '0123456789');
    const ordinary = textFrom('5511900000009');
    const summary = await pipeline.ingest(account, [
      textFrom('5511900000009', long),
      textFrom(longDigits),
      ordinary,
      {
        kind: 'status',
        accountExternalId: 'x',
        providerMessageId: long,
        status: 'read',
        at: new Date(),
      },
    ]);
    expect(summary).toEqual({
      stored: 1,
      duplicates: 0,
      statusesApplied: 0,
      statusesUnmatched: 0,
      changesApplied: 0,
      changesUnmatched: 0,
      skipped: 3,
    });
    expect(
      await count(
        `SELECT count(*) AS n FROM messages WHERE channel_account_id = $1 AND provider_message_id = ANY($2)`,
        [account.id, [ordinary.providerMessageId, long]],
      ),
    ).toBe(1);
  });

  it('keeps channel credentials sealed at rest', async () => {
    const raw = (
      await db.query(`SELECT credentials FROM channel_accounts WHERE id = $1`, [account.id])
    )[0].credentials;
    expect(raw).toMatch(/^v1\./);
    expect(raw).not.toContain('secret-token');
    const opened = await app.get(ChannelAccountsService).open(account.tenantId, account.id);
    expect(opened.credentials).toEqual({ accessToken: 'secret-token', wabaId: 'waba-1' });
  });
});
