import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { MessageRetention } from '@app/messaging/privacy/message-retention';
import { PrivacyDeadlinesTask } from '@app/privacy/requests/privacy-deadlines.task';
import { PrivacyRequestRunner } from '@app/privacy/requests/privacy-request.runner';
import { RetentionHeartbeat } from '@app/privacy/retention/retention-heartbeat';
import { RetentionStallCheck } from '@app/privacy/retention/retention-stall.check';
import { RetentionTask } from '@app/privacy/retention/retention.task';
import { adminHeaders, createTenant, createTestApp, TestTenant } from '@test/support/test-app';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface AlertView {
  tenantId: string | null;
  type: string;
  subject: string;
  severity: string;
  status: string;
}

/** Deadlines at risk: data subject requests near their due date, retention failing or stalled. */
describe('Privacy deadline alerts', () => {
  let app: NestFastifyApplication;
  let tenant: TestTenant;

  beforeAll(async () => {
    // No worker: requests stay as inserted, and tasks run only when the test runs them.
    app = await createTestApp({ APP_ROLE: 'api', PRIVACY_REQUEST_WARN_DAYS: '3' });
    tenant = await createTenant(app);
  });

  afterAll(() => app.close());

  const alerts = async (headers: Record<string, string>, type: string): Promise<AlertView[]> => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts?type=${type}&limit=100`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: AlertView[] }>().items;
  };

  const requestAlert = async (requestId: string) =>
    (await alerts(tenant.headers, 'privacy.request_due')).filter(
      (alert) => alert.subject === `privacy-request/${requestId}`,
    );

  async function request(dueInDays: number, status = 'pending'): Promise<string> {
    const id = newId();
    await app.get(DataSource).query(
      `INSERT INTO data_subject_requests (id, tenant_id, type, contact_id, status, due_at)
         VALUES ($1, $2, 'export', $3, $4, $5)`,
      [id, tenant.id, newId(), status, new Date(Date.now() + dueInDays * DAY_MS)],
    );
    return id;
  }

  it("raises privacy.request_due as the tenant's alert near the due date, critical once overdue, resolved on completion", async () => {
    const soon = await request(2);
    const later = await request(10);
    const overdue = await request(-1, 'processing');

    await app.get(PrivacyDeadlinesTask).run();

    expect(await requestAlert(soon)).toEqual([
      expect.objectContaining({ tenantId: tenant.id, severity: 'warning', status: 'firing' }),
    ]);
    expect(await requestAlert(overdue)).toEqual([
      expect.objectContaining({ tenantId: tenant.id, severity: 'critical', status: 'firing' }),
    ]);
    expect(await requestAlert(later)).toEqual([]);
    const stranger = await createTenant(app);
    expect(await alerts(stranger.headers, 'privacy.request_due')).toEqual([]);

    // Completing a request resolves its alert at once...
    expect(await app.get(PrivacyRequestRunner).run(soon)).toBe('completed');
    expect(await requestAlert(soon)).toEqual([expect.objectContaining({ status: 'resolved' })]);

    // ...and one completed without that resolve (lost) is resolved by the next check.
    await app
      .get(DataSource)
      .query(
        `UPDATE data_subject_requests SET status = 'completed', completed_at = now() WHERE id = $1`,
        [overdue],
      );
    expect(await requestAlert(overdue)).toEqual([expect.objectContaining({ status: 'firing' })]);
    await app.get(PrivacyDeadlinesTask).run();
    expect(await requestAlert(overdue)).toEqual([expect.objectContaining({ status: 'resolved' })]);
  });

  it('raises retention.failed when a retention run throws, and resolves it when one completes', async () => {
    const failing = jest
      .spyOn(app.get(MessageRetention), 'deleteBatch')
      .mockRejectedValueOnce(new Error('connection lost'));
    try {
      await expect(app.get(RetentionTask).run()).rejects.toThrow('connection lost');
    } finally {
      failing.mockRestore();
    }
    const [failed] = await alerts(adminHeaders, 'retention.failed');
    expect(failed).toMatchObject({
      tenantId: null,
      subject: 'privacy/retention',
      severity: 'critical',
      status: 'firing',
    });

    await app.get(RetentionTask).run();

    const [after] = await alerts(adminHeaders, 'retention.failed');
    expect(after).toMatchObject({ subject: 'privacy/retention', status: 'resolved' });
  });

  it('raises retention.stalled when no retention run completed for three hours, resolved after one does', async () => {
    const heartbeat = app.get(RetentionHeartbeat);
    const check = app.get(RetentionStallCheck);

    await heartbeat.succeeded(new Date(Date.now() - 2 * HOUR_MS));
    expect(await check.run()).toBe('running');

    await heartbeat.succeeded(new Date(Date.now() - 4 * HOUR_MS));
    expect(await check.run()).toBe('stalled');
    const [stalled] = await alerts(adminHeaders, 'retention.stalled');
    expect(stalled).toMatchObject({ tenantId: null, severity: 'warning', status: 'firing' });

    await app.get(RetentionTask).run();
    expect(await check.run()).toBe('running');
    const [after] = await alerts(adminHeaders, 'retention.stalled');
    expect(after).toMatchObject({ status: 'resolved' });
  });
});
