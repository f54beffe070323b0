import { newId } from '@core/database/ids';
import { InboxTestContext, createInboxContext, eventually } from './inbox-test-context';
import { FailsOnceHandler, RecordingHandler } from './test-handlers';

describe('Inbound event processing', () => {
  let ctx: InboxTestContext;
  let recording: RecordingHandler;
  let failsOnce: FailsOnceHandler;

  beforeAll(async () => {
    ctx = await createInboxContext(
      // The worker role's first scheduled sweep runs at boot; a day's threshold keeps it off
      // the pending rows the sweeper suite plants in the shared database.
      { APP_ROLE: 'all', INBOX_SWEEP_AFTER_MS: '86400000' },
      [RecordingHandler, FailsOnceHandler],
    );
    recording = ctx.moduleRef.get(RecordingHandler);
    failsOnce = ctx.moduleRef.get(FailsOnceHandler);
  });

  afterAll(async () => {
    await ctx.close();
  });

  const accept = (source: string, extra: { tenantId?: string; accountRef?: string } = {}) => {
    const externalId = newId();
    return ctx.inbox.accept({
      source,
      externalId,
      rawBody: '{}',
      payload: { externalId },
      ...extra,
    });
  };

  it('hands the stored event to the handler of its source and marks it processed', async () => {
    const tenantId = newId();
    const { id } = await accept(RecordingHandler.SOURCE, { tenantId, accountRef: 'phone-1' });

    const row = await eventually(async () => {
      const current = await ctx.row(id);
      expect(current?.processed_at).toBeInstanceOf(Date);
      return current!;
    });
    expect(row).toMatchObject({ attempts: 1, last_error: null });
    expect(recording.handled.filter((event) => event.id === id)).toEqual([
      expect.objectContaining({
        id,
        source: RecordingHandler.SOURCE,
        tenantId,
        accountRef: 'phone-1',
        attempts: 0,
      }),
    ]);
  });

  it('records a failed attempt and its error, then retries the job until it succeeds', async () => {
    const { id } = await accept(FailsOnceHandler.SOURCE);

    const row = await eventually(async () => {
      const current = await ctx.row(id);
      expect(current?.processed_at).toBeInstanceOf(Date);
      return current!;
    });
    expect(row.attempts).toBe(2);
    expect(row.last_error).toContain(FailsOnceHandler.ERROR);
    expect(failsOnce.triesOf(id)).toBe(2);
    const job = await ctx.inboundQueue.getJob(id);
    expect(job?.attemptsMade).toBe(2);
    expect(await job?.getState()).toBe('completed');
  });

  it('fails an event whose source has no handler at once instead of retrying it', async () => {
    const { id } = await accept('test-no-handler');

    await eventually(async () => {
      expect(await ctx.inboundQueue.getJobState(id)).toBe('failed');
    });
    // Read the job after it failed: a snapshot taken before may predate the failed attempt.
    const job = await ctx.inboundQueue.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    expect(await ctx.row(id)).toMatchObject({
      processed_at: null,
      attempts: 1,
      last_error: "No inbound handler registered for source 'test-no-handler'",
    });
  });

  it('does not run the handler again for a job redelivered after processing', async () => {
    const { id } = await accept(RecordingHandler.SOURCE);
    await eventually(async () => expect((await ctx.row(id))?.processed_at).toBeInstanceOf(Date));

    // At-least-once delivery: the same inbox id arrives in a second job.
    const again = await ctx.inboundQueue.add(RecordingHandler.SOURCE, { inboxId: id });
    await eventually(async () => expect(await again.getState()).toBe('completed'));

    expect(recording.timesHandled(id)).toBe(1);
    expect((await ctx.row(id))?.attempts).toBe(1);
    expect(again.returnvalue ?? (await ctx.inboundQueue.getJob(again.id!))?.returnvalue).toBe(
      'already-processed',
    );
  });
});
