import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { v7 } from 'uuid';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { RetentionTask } from '@app/privacy/retention/retention.task';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { seedAccount, seedContact } from './privacy-harness';

const DAY_MS = 86_400_000;
const BATCH = 5;
/** More than one tenant's fair share of a run (40 batches), so the backlog round is needed too. */
const BACKLOG = 40 * BATCH + 37;

describe('Retention', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Small batches, so a few hundred messages already take many DELETEs and two rounds.
    app = await createTestApp({ APP_ROLE: 'api', RETENTION_MESSAGE_BATCH_SIZE: String(BATCH) });
  });

  afterAll(() => app.close());

  /** Messages whose ids (UUIDv7, time-ordered) say they were stored `daysAgo` days ago. */
  async function oldMessages(tenant: TestTenant, daysAgo: number, count: number) {
    const account = await seedAccount(app, tenant);
    const seeded = await seedContact(app, tenant.id, account, ['recent']);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = v7({ msecs: Date.now() - daysAgo * DAY_MS + i });
      await app.get(MessagesRepository).insertInbound({
        id,
        tenantId: tenant.id,
        conversationId: seeded.conversationId,
        channelAccountId: account,
        provider: 'privacy-test',
        providerMessageId: `old.${id}`,
        type: 'text',
        content: { text: 'old' },
        platformTimestamp: new Date(),
      });
      ids.push(id);
    }
    return { old: ids, recent: seeded.messageIds };
  }

  /** `count` messages `daysAgo` days old in one INSERT, as an import of old history would leave them. */
  async function bulkMessages(tenant: TestTenant, daysAgo: number, count: number) {
    const account = await seedAccount(app, tenant);
    const seeded = await seedContact(app, tenant.id, account, ['recent']);
    const ids = Array.from({ length: count }, (_, i) =>
      v7({ msecs: Date.now() - daysAgo * DAY_MS + i }),
    );
    await app.get(DataSource).query(
      `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type,
                             content, status, provider, provider_message_id)
       SELECT id, $2, $3, $4, 'inbound', 'text', '{"text":"old"}', 'received', 'privacy-test',
              'bulk.' || id
         FROM unnest($1::uuid[]) AS id`,
      [ids, tenant.id, seeded.conversationId, account],
    );
    return { old: ids, recent: seeded.messageIds };
  }

  const existing = async (ids: string[]) => {
    const rows: { id: string }[] = await app
      .get(DataSource)
      .query(`SELECT id FROM messages WHERE id = ANY($1)`, [ids]);
    return rows.length;
  };

  it("deletes messages older than each tenant's own retention, in batches, and reports it", async () => {
    const short = await createTenant(app);
    const standard = await createTenant(app);
    const set = await app.inject({
      method: 'PUT',
      url: '/api/v2/privacy/retention',
      headers: short.headers,
      payload: { messageDays: 30 },
    });
    expect(set.json()).toEqual({ messageDays: 30, auditDays: 90 });
    const expiring = await oldMessages(short, 40, 3);
    const kept = await oldMessages(standard, 40, 2);

    const report = await app.get(RetentionTask).run();

    expect(report.messagesDeleted).toBeGreaterThanOrEqual(3);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(await existing(expiring.old)).toBe(0);
    expect(await existing(expiring.recent)).toBe(expiring.recent.length);
    expect(await existing(kept.old)).toBe(2);
  });

  it('works off a large backlog in batches within one run, keeping newer messages and other tenants', async () => {
    const purged = await createTenant(app);
    const other = await createTenant(app);
    await app.inject({
      method: 'PUT',
      url: '/api/v2/privacy/retention',
      headers: purged.headers,
      payload: { messageDays: 30 },
    });
    const expired = await bulkMessages(purged, 40, BACKLOG);
    const younger = await bulkMessages(purged, 20, 7);
    const othersOld = await bulkMessages(other, 40, 9);

    const report = await app.get(RetentionTask).run();

    expect(await existing(expired.old)).toBe(0);
    expect(report.messagesDeleted).toBeGreaterThanOrEqual(BACKLOG);
    // Never more than BATCH rows per DELETE: at least ceil(BACKLOG / BATCH) statements.
    expect(report.messageBatches).toBeGreaterThanOrEqual(Math.ceil(BACKLOG / BATCH));
    expect(report.tenantsWithBacklog).toBe(0);
    expect(await existing(younger.old)).toBe(7);
    expect(await existing([...expired.recent, ...younger.recent])).toBe(4);
    expect(await existing(othersOld.old)).toBe(9);
  });

  it('goes back to the default when a tenant clears its own setting', async () => {
    const tenant = await createTenant(app);
    const put = (payload: object) =>
      app.inject({
        method: 'PUT',
        url: '/api/v2/privacy/retention',
        headers: tenant.headers,
        payload,
      });
    await put({ messageDays: 10, auditDays: 30 });
    const cleared = await put({ messageDays: null });
    expect(cleared.json()).toEqual({ messageDays: 365, auditDays: 30 });
    expect((await put({ auditDays: 0 })).statusCode).toBe(400);
  });
});
