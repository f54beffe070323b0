import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { v7 } from 'uuid';
import { MessagesRepository } from '@app/messaging/messages/messages.repository';
import { RetentionTask } from '@app/privacy/retention/retention.task';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { seedAccount, seedContact } from './privacy-harness';

const DAY_MS = 86_400_000;

describe('Retention', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
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
