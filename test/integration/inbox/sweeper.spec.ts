import { newId } from '@core/database/ids';
import { MaintenanceScheduler } from '@core/queue/maintenance.scheduler';
import { TcpProxy, proxiedUrl, startTcpProxyFor } from '@test/support/tcp-proxy';
import { InboxTestContext, createInboxContext, eventually } from './inbox-test-context';
import { RecordingHandler } from './test-handlers';

/**
 * Every suite that leaves rows unenqueued lives here, in one context: a sweep claims pending
 * rows of the whole (shared) database and enqueues them under its own queue prefix.
 */
describe('Inbox sweeper and retention', () => {
  let proxy: TcpProxy;
  let ctx: InboxTestContext;
  let handler: RecordingHandler;

  beforeAll(async () => {
    proxy = await startTcpProxyFor(process.env.REDIS_URL!);
    ctx = await createInboxContext(
      {
        APP_ROLE: 'all',
        REDIS_URL: proxiedUrl(process.env.REDIS_URL!, proxy),
        INBOX_SWEEP_AFTER_MS: '1000',
        INBOX_SWEEP_STALLED_AFTER_MS: '60000',
        // Tests run sweeps themselves; the schedule's first run at boot is the only other one.
        INBOX_SWEEP_INTERVAL_MS: '3600000',
      },
      [RecordingHandler],
    );
    handler = ctx.moduleRef.get(RecordingHandler);
  });

  afterAll(async () => {
    await proxy.restore();
    await ctx.close();
    await proxy.close();
  });

  /** A row as left by a crash between commit and enqueue, received `ageSql` ago. */
  const plantRow = async (
    ageSql: string,
    state: { enqueued?: boolean; processed?: boolean } = {},
  ): Promise<string> => {
    const id = newId();
    await ctx.db.query(
      `INSERT INTO inbound_events (id, source, external_id, payload, received_at, enqueued_at, processed_at)
       VALUES ($1::uuid, $2, $1::text, '{}', now() - $3::interval,
               CASE WHEN $4::boolean THEN now() END, CASE WHEN $5::boolean THEN now() END)`,
      [id, RecordingHandler.SOURCE, ageSql, state.enqueued ?? false, state.processed ?? false],
    );
    return id;
  };

  const processedAt = async (id: string) => (await ctx.row(id))?.processed_at;

  it('stores an event without waiting for Redis while it is down, and the sweeper gets it processed once', async () => {
    const externalId = newId();
    await proxy.cut();

    const accepted = await ctx.inbox.accept({
      source: RecordingHandler.SOURCE,
      externalId,
      rawBody: '{}',
      payload: { externalId },
    });

    expect(accepted.duplicate).toBe(false);
    expect(await ctx.row(accepted.id)).toMatchObject({ enqueued_at: null, processed_at: null });
    expect(await ctx.intakeCount(RecordingHandler.SOURCE, 'deferred')).toBe(1);

    await proxy.restore();
    // Until the row is older than INBOX_SWEEP_AFTER_MS and Redis has reconnected, a sweep
    // finds nothing or fails; afterwards it enqueues the row and a worker processes it.
    await eventually(async () => {
      await ctx.sweeper.sweepOnce();
      expect(await processedAt(accepted.id)).toBeInstanceOf(Date);
    });

    expect(handler.timesHandled(accepted.id)).toBe(1);
    expect(handler.handled.find((event) => event.id === accepted.id)).toMatchObject({
      externalId,
      payload: { externalId },
    });
    expect((await ctx.row(accepted.id))?.enqueued_at).toBeInstanceOf(Date);
    expect(await ctx.sweeper.sweepOnce()).toBe(0);
  });

  it('leaves rows younger than INBOX_SWEEP_AFTER_MS to intake', async () => {
    const id = await plantRow('0 seconds');

    expect(await ctx.sweeper.sweepOnce()).toBe(0);
    expect(await ctx.inboundQueue.getJob(id)).toBeUndefined();
    await ctx.db.query(`DELETE FROM inbound_events WHERE id = $1`, [id]);
  });

  it('never hands the same row to two concurrent sweeps', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => plantRow('5 seconds')));

    const [first, second] = await Promise.all([ctx.sweeper.sweepOnce(), ctx.sweeper.sweepOnce()]);

    expect(first + second).toBe(30);
    const pending: unknown[] = await ctx.db.query(
      `SELECT id FROM inbound_events WHERE id = ANY($1) AND enqueued_at IS NULL`,
      [ids],
    );
    expect(pending).toEqual([]);
    await eventually(async () => {
      for (const id of ids) expect(await processedAt(id)).toBeInstanceOf(Date);
    });
    expect(ids.map((id) => handler.timesHandled(id))).toEqual(ids.map(() => 1));
  });

  it('re-adds a job Redis lost: enqueued a while ago, never attempted, not in the queue', async () => {
    const lost = await plantRow('5 minutes', { enqueued: true });
    const failing = await plantRow('5 minutes', { enqueued: true });
    await ctx.db.query(
      `UPDATE inbound_events SET enqueued_at = now() - interval '2 minutes' WHERE id = ANY($1)`,
      [[lost, failing]],
    );
    // A row with a failed attempt belongs to BullMQ's retries and dead letters, not the sweeper.
    await ctx.db.query(`UPDATE inbound_events SET attempts = 1 WHERE id = $1`, [failing]);

    expect(await ctx.sweeper.sweepOnce()).toBe(1);

    await eventually(async () => expect(await processedAt(lost)).toBeInstanceOf(Date));
    expect(handler.timesHandled(lost)).toBe(1);
    expect(await ctx.inboundQueue.getJob(failing)).toBeUndefined();
    expect(await ctx.sweeper.sweepOnce()).toBe(0);
    await ctx.db.query(`DELETE FROM inbound_events WHERE id = $1`, [failing]);
  });

  it('restores maintenance schedules that Redis lost', async () => {
    const scheduler = ctx.moduleRef.get(MaintenanceScheduler);
    await ctx.maintenanceQueue.removeJobScheduler('inbox.sweep');

    expect(await scheduler.restoreMissing()).toEqual(['inbox.sweep']);
    expect(await ctx.maintenanceQueue.getJobScheduler('inbox.sweep')).toMatchObject({
      every: 3_600_000,
    });
    expect(await scheduler.restoreMissing()).toEqual([]);
  });

  it('registers the sweep and retention schedules in worker roles', async () => {
    const schedulers = await ctx.maintenanceQueue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual(
      expect.arrayContaining([
        ['inbox.retention', 3_600_000],
        ['inbox.sweep', 3_600_000],
      ]),
    );
  });

  it('runs the sweep when the maintenance queue delivers an inbox.sweep job', async () => {
    const id = await plantRow('5 seconds');

    const job = await ctx.maintenanceQueue.add('inbox.sweep', {});

    await eventually(async () => expect(await processedAt(id)).toBeInstanceOf(Date));
    await eventually(async () => expect(await job.getState()).toBe('completed'));
  });

  it('fails an unknown maintenance job without retrying it', async () => {
    const job = await ctx.maintenanceQueue.add('no-such-task', {});

    await eventually(async () => expect(await job.getState()).toBe('failed'));
    const failed = await ctx.maintenanceQueue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain("Unknown maintenance job 'no-such-task'");
  });

  it('deletes only processed rows older than the retention window', async () => {
    const expired = await plantRow('8 days', { enqueued: true, processed: true });
    const unprocessed = await plantRow('30 days', { enqueued: true });
    const recent = await plantRow('6 days', { enqueued: true, processed: true });

    expect(await ctx.retention.purgeOnce()).toBeGreaterThanOrEqual(1);

    const left: { id: string }[] = await ctx.db.query(
      `SELECT id FROM inbound_events WHERE id = ANY($1) ORDER BY id`,
      [[expired, unprocessed, recent]],
    );
    expect(left.map((row) => row.id)).toEqual([unprocessed, recent].sort());
  });
});
