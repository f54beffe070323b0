import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { newId } from '@core/database/ids';
import { AlertHistoryRetention } from '@app/alerts/history/alert-history.retention';
import { createTestApp } from '@test/support/test-app';

const DAY_MS = 86_400_000;

/** Resolved alerts leave the history after ALERTS_HISTORY_RETENTION_DAYS; firing ones never. */
describe('Alert history retention', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api', ALERTS_HISTORY_RETENTION_DAYS: '30' });
  });

  afterAll(() => app.close());

  /** An alert raised (and resolved when `resolvedDaysAgo` is given) that many days ago. */
  async function alertFrom(raisedDaysAgo: number, resolvedDaysAgo?: number): Promise<string> {
    const subject = `retention-test/${newId()}`;
    const alerts = app.get(AlertRaiser);
    await alerts.raise({ type: 'queue.backlog', subject, severity: 'info', title: 'Test alert' });
    if (resolvedDaysAgo !== undefined) {
      expect(await alerts.resolve({ type: 'queue.backlog', subject })).toBe(true);
    }
    const ago = (days: number | undefined) =>
      days === undefined ? null : new Date(Date.now() - days * DAY_MS);
    await app.get(DataSource).query(
      `UPDATE alerts SET raised_at = $2, last_seen_at = $2, resolved_at = COALESCE($3, resolved_at)
          WHERE subject = $1`,
      [subject, ago(raisedDaysAgo), ago(resolvedDaysAgo)],
    );
    return subject;
  }

  const remaining = async (subjects: string[]): Promise<string[]> => {
    const rows: { subject: string }[] = await app
      .get(DataSource)
      .query(`SELECT subject FROM alerts WHERE subject = ANY($1) ORDER BY subject`, [subjects]);
    return rows.map((row) => row.subject);
  };

  it('prunes alerts resolved before the retention and keeps recent and firing ones', async () => {
    const expired = await alertFrom(45, 40);
    const recent = await alertFrom(45, 20);
    const stillFiring = await alertFrom(200);

    const pruned = await app.get(AlertHistoryRetention).run();

    expect(pruned).toBeGreaterThanOrEqual(1);
    expect(await remaining([expired, recent, stillFiring])).toEqual([recent, stillFiring].sort());
  });
});
