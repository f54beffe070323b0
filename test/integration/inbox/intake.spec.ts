import { createHash } from 'node:crypto';
import { jsonTextOf } from '@core/api/json-body-parser';
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
    expect(await ctx.intakeCount(SOURCE, 'duplicate')).toBe(49);
    // Stored marked enqueued, in the same statement; only a failed add would clear it.
    expect((await ctx.row(fresh[0].id))?.enqueued_at).toBeInstanceOf(Date);
  });

  it('stores a burst of distinct deliveries with one statement and one job each', async () => {
    const burst = Array.from({ length: 300 }, () => {
      const externalId = `wamid.${newId()}`;
      return { source: SOURCE, externalId, rawBody: externalId, payload: { externalId } };
    });
    const queries = jest.spyOn(ctx.db, 'query');

    const results = await Promise.all(burst.map((delivery) => ctx.inbox.accept(delivery)));
    const inserts = queries.mock.calls.filter(([sql]) =>
      sql.includes('INSERT INTO inbound_events'),
    );
    queries.mockRestore();

    expect(results.every((result) => !result.duplicate)).toBe(true);
    const rows: { count: string }[] = await ctx.db.query(
      'SELECT count(*) FROM inbound_events WHERE id = ANY($1::uuid[])',
      [results.map((result) => result.id)],
    );
    expect(Number(rows[0].count)).toBe(300);
    const jobs = await ctx.inboundQueue.getJobs(['waiting']);
    const ids = new Set(jobs.map((job) => job.id));
    expect(results.filter((result) => !ids.has(result.id))).toEqual([]);
    // 300 arrivals in one turn of the event loop: two batches of at most 256, not 300 INSERTs.
    expect(inserts.length).toBeLessThanOrEqual(2);
  });

  it('fails only the delivery PostgreSQL refuses when it arrives in a batch with others', async () => {
    const good = Array.from({ length: 5 }, () => {
      const externalId = newId();
      return { source: SOURCE, externalId, rawBody: externalId, payload: { externalId } };
    });
    const refused = { ...good[0], externalId: newId(), tenantId: 'not-a-uuid' };

    const results = await Promise.allSettled(
      [...good, refused].map((delivery) => ctx.inbox.accept(delivery)),
    );

    expect(results.slice(0, 5).map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));
    expect(results[5]).toMatchObject({ status: 'rejected' });
    expect((results[5] as PromiseRejectedResult).reason).not.toBeInstanceOf(UnavailableError);
  });

  it('stores text jsonb cannot hold (U+0000, a lone surrogate) with U+FFFD in its place', async () => {
    const externalId = newId();
    const accepted = await ctx.inbox.accept({
      source: SOURCE,
      externalId,
      rawBody: externalId,
      payload: { text: 'before\u0000after', emoji: 'half \ud83d', whole: 'ok \ud83d\ude00' },
    });

    expect((await ctx.row(accepted.id))?.payload).toEqual({
      text: 'before\uFFFDafter',
      emoji: 'half \uFFFD',
      whole: 'ok \ud83d\ude00',
    });
  });

  it('stores a webhook body that is its own payload: with a byte-order mark, and with escapes jsonb refuses', async () => {
    const plain = `\ufeff{"object":"x", "id":"${newId()}", "text":"olá 😀"}`;
    const escaped = `{"id":"${newId()}","text":"before\\u0000after","emoji":"half \\ud83d"}`;

    const [first, second] = await Promise.all(
      [plain, escaped].map((text) => {
        const rawJson = jsonTextOf(Buffer.from(text));
        return ctx.inbox.accept({
          source: SOURCE,
          rawBody: Buffer.from(text),
          payload: JSON.parse(rawJson),
          rawJson,
        });
      }),
    );

    expect((await ctx.row(first.id))?.payload).toEqual(JSON.parse(plain.slice(1)));
    expect((await ctx.row(second.id))?.payload).toMatchObject({
      text: 'before\uFFFDafter',
      emoji: 'half \uFFFD',
    });
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
