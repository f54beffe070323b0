import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { SendOutcomesRepository } from '@app/messaging/messages/send-outcomes.repository';
import { newId } from '@core/database/ids';
import { nodesOf, type PlanNode } from '@test/support/query-plans';
import { createTenant, createTestApp } from '@test/support/test-app';

const CLAIMANT = { id: 'plan-test-worker', leaseMs: 60_000 };

/**
 * A worker's claim finds its message by key whatever PostgreSQL's plan cache holds: statements
 * run prepared, and after a few runs PostgreSQL may keep one generic plan for good. Written
 * with `status = 'queued'`, the claim's generic plan may read the id off the partial index of
 * queued sends instead, and a plan made while few sends waited then reads the whole backlog
 * for every claim once one builds (the reminders of 8 am). No timing involved: the plan itself.
 */
describe('Claim query plans', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let queuedId: string;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    const tenantId = (await createTenant(app)).id;
    const account = await app.get(ChannelAccountsService).create(tenantId, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'claim-plans',
      externalId: `cp-${newId()}`,
      credentials: { accessToken: 'token' },
    });
    const [{ id: contactId }]: { id: string }[] = await db.query(
      `INSERT INTO contacts (id, tenant_id, display_name) VALUES ($1, $2, 'Plans') RETURNING id`,
      [newId(), tenantId],
    );
    const [{ id: conversationId }]: { id: string }[] = await db.query(
      `INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, last_message_at)
       VALUES ($1, $2, $3, $4, now()) RETURNING id`,
      [newId(), tenantId, account.id, contactId],
    );
    // A table of sends long done, and a few waiting: the shape the claim's plan is made on.
    await db.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status, provider)
       SELECT gen_random_uuid(), $1, $2, $3, 'outbound', 'text', '{"text":"done"}', 'sent', 'meta-cloud'
       FROM generate_series(1, 3000)`,
      [tenantId, conversationId, account.id],
    );
    queuedId = newId();
    await db.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status, provider)
       VALUES ($1, $2, $3, $4, 'outbound', 'text', '{"text":"waiting","to":"+5511900000000"}', 'queued', 'meta-cloud')`,
      [queuedId, tenantId, conversationId, account.id],
    );
    await db.query(`ANALYZE messages`);
  });

  afterAll(async () => {
    await app.close();
  });

  /** The statement `run` sends first, as PostgreSQL would plan it once generic. */
  async function genericPlanOf(run: () => Promise<unknown>): Promise<PlanNode[]> {
    const query = jest.spyOn(DataSource.prototype, 'query');
    let first: [string, unknown[]];
    try {
      await run();
      first = query.mock.calls[0] as [string, unknown[]];
    } finally {
      query.mockRestore();
    }
    const [sql, params] = first;
    const runner = db.createQueryRunner();
    try {
      await runner.query(`SET plan_cache_mode = force_generic_plan`);
      await runner.query(`PREPARE claim_plan AS ${sql}`);
      const literals = params.map((value) => `'${String(value)}'`).join(', ');
      const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await runner.query(
        `EXPLAIN (FORMAT JSON) EXECUTE claim_plan(${literals})`,
      );
      return nodesOf(plan[0].Plan);
    } finally {
      await runner.query(`DEALLOCATE ALL`);
      await runner.query(`RESET plan_cache_mode`);
      await runner.release();
    }
  }

  const updateScanOf = (nodes: PlanNode[]) =>
    nodes.find((node) => node['Node Type'] === 'ModifyTable')!.Plans![0];

  it("claims a queued send by its key, the read-and-claim's generic plan included", async () => {
    const nodes = await genericPlanOf(() =>
      app.get(MessagesRepository).claimOutboundForSend(queuedId, CLAIMANT),
    );
    expect(updateScanOf(nodes)).toMatchObject({ 'Index Name': 'messages_pkey' });
    expect(nodes.map((node) => node['Index Name'])).not.toContain('messages_queued_enqueued_idx');
  });

  it("claims a queued send by its key, the claim alone's generic plan included", async () => {
    const nodes = await genericPlanOf(() =>
      app.get(SendOutcomesRepository).claim(newId(), CLAIMANT),
    );
    expect(updateScanOf(nodes)).toMatchObject({ 'Index Name': 'messages_pkey' });
  });
});
