import { createHash } from 'node:crypto';
import { newId } from '@core/database/ids';
import { UnavailableError } from '@core/errors/domain-error';
import { TcpProxy, proxiedUrl, startTcpProxyFor } from '@test/support/tcp-proxy';
import { InboxTestContext, createInboxContext } from './inbox-test-context';

const SOURCE = 'meta';

describe('Inbox intake', () => {
  let ctx: InboxTestContext;

  // API role: no workers, so every job stays in the queue where the test can count it.
  beforeAll(async () => {
    ctx = await createInboxContext({ APP_ROLE: 'api' });
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('stores one row and one job for 50 concurrent deliveries of the same event', async () => {
    const externalId = `wamid.${newId()}`;
    const payload = { entry: [{ id: externalId }] };
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        ctx.inbox.accept({
          source: SOURCE,
          externalId,
          rawBody: JSON.stringify(payload),
          payload,
        }),
      ),
    );

    const fresh = results.filter((result) => !result.duplicate);
    expect(fresh).toHaveLength(1);
    expect(results.filter((result) => result.duplicate)).toHaveLength(49);
    expect(new Set(results.map((result) => result.id))).toEqual(new Set([fresh[0].id]));

    const rows: { id: string }[] = await ctx.db.query(
      'SELECT id FROM inbound_events WHERE source = $1 AND external_id = $2',
      [SOURCE, externalId],
    );
    expect(rows).toEqual([{ id: fresh[0].id }]);

    const jobs = await ctx.inboundQueue.getJobs(['waiting', 'active', 'delayed', 'completed']);
    const forEvent = jobs.filter((job) => job.data.inboxId === fresh[0].id);
    expect(forEvent.map((job) => job.id)).toEqual([fresh[0].id]);
    expect(forEvent[0].name).toBe(SOURCE);
    expect((await ctx.row(fresh[0].id))?.enqueued_at).toBeInstanceOf(Date);
    expect(await ctx.intakeCount(SOURCE, 'duplicate')).toBe(49);
  });

  it('identifies an event without a platform id by the SHA-256 of its raw body', async () => {
    const rawBody = Buffer.from(JSON.stringify({ event: 'ONCRMDEALUPDATE', nonce: newId() }));
    const first = await ctx.inbox.accept({
      source: 'bitrix24',
      rawBody,
      payload: JSON.parse(rawBody.toString()),
      accountRef: 'portal-1',
    });
    const again = await ctx.inbox.accept({
      source: 'bitrix24',
      rawBody,
      payload: JSON.parse(rawBody.toString()),
    });

    expect(again).toEqual({ id: first.id, duplicate: true });
    expect(await ctx.row(first.id)).toMatchObject({
      source: 'bitrix24',
      external_id: createHash('sha256').update(rawBody).digest('hex'),
      account_ref: 'portal-1',
      tenant_id: null,
      attempts: 0,
      processed_at: null,
    });
  });

  it('registers no maintenance schedules in the API role', async () => {
    expect(await ctx.maintenanceQueue.getJobSchedulers()).toEqual([]);
  });

  it('keeps the same event id apart across sources', async () => {
    const externalId = newId();
    const payload = { id: externalId };
    const fromMeta = await ctx.inbox.accept({ source: 'meta', externalId, rawBody: '{}', payload });
    const fromEvolution = await ctx.inbox.accept({
      source: 'evolution',
      externalId,
      rawBody: '{}',
      payload,
      tenantId: newId(),
    });

    expect(fromMeta.duplicate).toBe(false);
    expect(fromEvolution.duplicate).toBe(false);
    expect(fromEvolution.id).not.toBe(fromMeta.id);
  });
});

describe('Inbox intake while PostgreSQL is unreachable', () => {
  let proxy: TcpProxy;
  let ctx: InboxTestContext;

  beforeAll(async () => {
    proxy = await startTcpProxyFor(process.env.DATABASE_URL!);
    ctx = await createInboxContext({
      APP_ROLE: 'api',
      DATABASE_URL: proxiedUrl(process.env.DATABASE_URL!, proxy),
    });
  });

  afterAll(async () => {
    await proxy.restore();
    await ctx.close();
    await proxy.close();
  });

  it('rejects with INBOX.UNAVAILABLE so the webhook answers 503, and stores once it is back', async () => {
    const externalId = newId();
    const delivery = { source: SOURCE, externalId, rawBody: '{}', payload: { externalId } };
    await proxy.cut();

    const failure = await ctx.inbox.accept(delivery).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect(failure).toMatchObject({
      code: 'INBOX.UNAVAILABLE',
      kind: 'unavailable',
      extra: { retryAfterSeconds: expect.any(Number) },
    });
    expect(await ctx.intakeCount(SOURCE, 'unavailable')).toBe(1);

    await proxy.restore();
    const retried = await ctx.inbox.accept(delivery);
    expect(retried.duplicate).toBe(false);
    expect((await ctx.row(retried.id))?.external_id).toBe(externalId);
  });
});
