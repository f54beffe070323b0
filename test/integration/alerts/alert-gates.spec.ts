import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { Counter, Histogram } from 'prom-client';
import { register } from 'prom-client';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { newId } from '@core/database/ids';
import { HUB_REQUESTS_TOTAL, HUB_REQUEST_DURATION } from '@core/http/hub-metrics';
import { QueueName } from '@core/queue/queue-names';
import { HubCallWindows } from '@app/alerts/hub-thresholds/hub-call-windows';
import { HubThresholdAlertsTask } from '@app/alerts/hub-thresholds/hub-threshold-alerts.task';
import { QueueAlertsTask } from '@app/alerts/triggers/queue-alerts.task';
import { adminHeaders, createTestApp } from '@test/support/test-app';

interface AlertView {
  type: string;
  subject: string;
  status: string;
  occurrences: number;
  notified: boolean;
}

/**
 * The gates between a raise and a channel (dedup window, one firing episode, per-type budget)
 * and the periodic triggers (queue counts, hub thresholds), on an API-only pod: no worker
 * takes the jobs, so queue counts stay where the test puts them.
 */
describe('Alert gates and periodic triggers', () => {
  let app: NestFastifyApplication;
  let alerts: AlertRaiser;

  beforeAll(async () => {
    app = await createTestApp({
      APP_ROLE: 'api',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}gates-${newId()}`,
      ALERTS_RATE_LIMIT_PER_TYPE_PER_HOUR: '2',
      ALERTS_QUEUE_BACKLOG_THRESHOLD: '2',
      ALERTS_MIN_CALLS: '10',
    });
    alerts = app.get(AlertRaiser);
  });

  afterAll(async () => {
    await app?.close();
  });

  const history = async (query: string): Promise<AlertView[]> => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts?${query}`,
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: AlertView[] }>().items;
  };

  /** Other suites share the alert history: only this queue's entries. */
  const backlogOf = async (subject: string) =>
    (await history('type=queue.backlog')).filter((a) => a.subject === subject);

  const alert = (type: string, subject: string) => ({
    type,
    subject,
    severity: 'warning' as const,
    title: `${type} on ${subject}`,
  });

  it('counts a raise inside the dedup window on the firing entry instead of announcing it', async () => {
    const type = `test.dedup_${newId().slice(-6)}`;
    expect(await alerts.raise(alert(type, 'one'))).toBe('raised');
    expect(await alerts.raise(alert(type, 'one'))).toBe('deduplicated');
    expect(await history(`type=${type}`)).toEqual([
      expect.objectContaining({ status: 'firing', occurrences: 2, notified: true }),
    ]);
  });

  it('announces a condition again once it was resolved, as a new entry', async () => {
    const type = `test.again_${newId().slice(-6)}`;
    await alerts.raise(alert(type, 'flap'));
    expect(await alerts.resolve({ type, subject: 'flap' })).toBe(true);
    expect(await alerts.resolve({ type, subject: 'flap' })).toBe(false);
    expect(await alerts.raise(alert(type, 'flap'))).toBe('raised');
    expect((await history(`type=${type}`)).map((a) => a.status)).toEqual(['firing', 'resolved']);
  });

  it('records but does not announce alerts of a type over its hourly budget', async () => {
    const type = `test.budget_${newId().slice(-6)}`;
    const outcomes = [];
    for (const subject of ['a', 'b', 'c']) outcomes.push(await alerts.raise(alert(type, subject)));
    expect(outcomes).toEqual(['raised', 'raised', 'rate_limited']);
    const entries = await history(`type=${type}`);
    expect(entries.map((a) => [a.subject, a.notified])).toEqual([
      ['c', false],
      ['b', true],
      ['a', true],
    ]);
  });

  it('pages the history newest first with a cursor', async () => {
    const type = `test.paging_${newId().slice(-6)}`;
    for (const subject of ['1', '2', '3']) await alerts.raise(alert(type, subject));
    const first = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts?type=${type}&limit=2`,
      headers: adminHeaders,
    });
    const page = first.json<{ items: AlertView[]; nextCursor: string }>();
    expect(page.items.map((a) => a.subject)).toEqual(['3', '2']);
    const second = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts?type=${type}&limit=2&cursor=${page.nextCursor}`,
      headers: adminHeaders,
    });
    expect(second.json()).toEqual({
      items: [expect.objectContaining({ subject: '1' })],
      nextCursor: null,
    });
  });

  it('raises a queue backlog over the threshold and resolves it once drained', async () => {
    const queue = app.get<Queue>(getQueueToken(QueueName.Bitrix), { strict: false });
    await queue.addBulk([1, 2, 3].map((n) => ({ name: 'waiting', data: { n } })));
    const task = app.get(QueueAlertsTask);

    expect((await task.run()).bitrix.waiting).toBe(3);
    expect(await backlogOf('queue/bitrix')).toEqual([
      expect.objectContaining({ subject: 'queue/bitrix', status: 'firing' }),
    ]);

    await queue.drain();
    await task.run();
    expect(await backlogOf('queue/bitrix')).toEqual([
      expect.objectContaining({ subject: 'queue/bitrix', status: 'resolved' }),
    ]);
  });

  it("judges a hub's error, success and latency over every pod's published calls", async () => {
    const requests = register.getSingleMetric(HUB_REQUESTS_TOTAL) as Counter<string>;
    const durations = register.getSingleMetric(HUB_REQUEST_DURATION) as Histogram<string>;
    const record = (hub: string, outcome: string, seconds: number, times: number) => {
      for (let i = 0; i < times; i++) {
        requests.inc({ hub, operation: 'send_message', outcome });
        durations.observe({ hub, operation: 'send_message', outcome }, seconds);
      }
    };
    const failing = `failhub${newId().slice(-6)}`;
    const quiet = `quiethub${newId().slice(-6)}`;
    record(failing, 'success', 0.2, 16);
    record(failing, 'retryable_error', 5, 4);
    record(quiet, 'retryable_error', 5, 3);
    await app.get(HubCallWindows).publish();

    const verdicts = await app.get(HubThresholdAlertsTask).run();

    expect(verdicts.find((v) => v.hub === failing)).toMatchObject({
      calls: 20,
      errorRate: 0.2,
      successRate: 0.8,
    });
    const ours = new Set([`hub/${failing}`, `hub/${quiet}`]);
    const raised = (await history('status=firing')).filter((a) => ours.has(a.subject));
    expect(raised.map((a) => [a.type, a.subject]).sort()).toEqual([
      ['hub.error_rate', `hub/${failing}`],
      ['hub.latency', `hub/${failing}`],
      ['hub.success_rate', `hub/${failing}`],
    ]);
    // Left firing, the next suite's hub check would resolve them to its own channels.
    for (const { type, subject } of raised) await alerts.resolve({ type, subject });
  });
});
