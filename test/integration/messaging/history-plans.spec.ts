import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { conversationPageSql } from '@app/messaging/history/conversations.query';
import { messagePageSql } from '@app/messaging/history/message-history.query';
import { newId } from '@core/database/ids';
import { nodesOf, type PlanNode } from '@test/support/query-plans';
import { createTenant, createTestApp } from '@test/support/test-app';

const INDEX_SCANS = ['Index Scan', 'Index Only Scan'];

/**
 * Proves the history queries are served by the indexes meant for them (see the comments on
 * conversationPageSql and messagePageSql): the planner, with statistics of a few thousand
 * rows, walks the index in list order and never sorts. No timing involved.
 */
describe('History query plans', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenantId: string;
  let busyConversationId: string;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    tenantId = (await createTenant(app)).id;
    const account = await app.get(ChannelAccountsService).create(tenantId, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'plans',
      externalId: `pn-${newId()}`,
      credentials: { accessToken: 'token' },
    });
    await db.query(
      `INSERT INTO contacts (id, tenant_id, display_name)
       SELECT gen_random_uuid(), $1, 'Contact ' || g FROM generate_series(1, 3000) g`,
      [tenantId],
    );
    await db.query(
      `INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, last_message_at)
       SELECT gen_random_uuid(), $1, $2, c.id, now() - row_number() OVER () * interval '1 second'
       FROM contacts c WHERE c.tenant_id = $1`,
      [tenantId, account.id],
    );
    await db.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status, provider)
       SELECT gen_random_uuid(), $1, c.id, $2, 'inbound', 'text', '{"text":"hi"}', 'received', 'meta-cloud'
       FROM conversations c, generate_series(1, 20) WHERE c.tenant_id = $1`,
      [tenantId, account.id],
    );
    const busy: { id: string }[] = await db.query(
      `SELECT id FROM conversations WHERE tenant_id = $1 LIMIT 1`,
      [tenantId],
    );
    busyConversationId = busy[0].id;
    // Busy, yet a small share of the tenant's messages, as a conversation is: otherwise walking
    // the tenant's own index (messages_tenant_id_idx, for retention) costs the planner the same.
    await db.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status, provider)
       SELECT gen_random_uuid(), $1, $2, $3, 'inbound', 'text', '{"text":"hi"}', 'received', 'meta-cloud'
       FROM generate_series(1, 5000)`,
      [tenantId, busyConversationId, account.id],
    );
    await db.query(`ANALYZE contacts, channel_accounts, conversations, messages`);
  });

  afterAll(async () => {
    await app.close();
  });

  async function planOf(query: { sql: string; params: unknown[] }): Promise<PlanNode[]> {
    const rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await db.query(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      query.params,
    );
    return nodesOf(rows[0]['QUERY PLAN'][0].Plan);
  }

  const scansOf = (nodes: PlanNode[], index: string) =>
    nodes.filter((node) => node['Index Name'] === index && INDEX_SCANS.includes(node['Node Type']));

  it.each([
    ['the first page', undefined],
    ['a later page', { micros: '1941703872987654', id: '01900000-0000-7000-8000-000000000000' }],
  ])(
    'reads %s of the conversation list off conversations_tenant_activity_idx without sorting',
    async (_, after) => {
      const nodes = await planOf(conversationPageSql(tenantId, {}, 50, after));
      expect(scansOf(nodes, 'conversations_tenant_activity_idx')).toHaveLength(1);
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
      // the last message's preview and the contact's fields are copies on the conversation row
      const relations = nodes.map((node) => node['Relation Name']);
      expect(relations).not.toContain('messages');
      expect(relations).not.toContain('contacts');
      // channel_accounts holds a handful of rows, so scanning it whole is the planner's right call
      const seqScanned = nodes.filter((node) => node['Node Type'] === 'Seq Scan');
      expect(seqScanned.map((node) => node['Relation Name'])).not.toContain('conversations');
    },
  );

  it.each([
    ['the first page', undefined],
    ['a later page', 'ffffffff-ffff-7fff-bfff-ffffffffffff'],
  ])(
    "reads %s of a conversation's history backwards off messages_conversation_id_idx",
    async (_, beforeId) => {
      const nodes = await planOf(messagePageSql(tenantId, busyConversationId, {}, 50, beforeId));
      const scans = scansOf(nodes, 'messages_conversation_id_idx');
      expect(scans).toHaveLength(1);
      expect(scans[0]['Scan Direction']).toBe('Backward');
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
    },
  );
});
