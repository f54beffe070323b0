import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { createTenant, TestTenant } from '@test/support/test-app';

interface Count {
  channelAccountId: string;
  hub: string;
  direction: string;
  status: string;
  count: number;
}

/**
 * Messaging's own operations routes, for every channel: re-driving failed sends
 * (POST /api/v2/messages/retry) and counting messages per account and status
 * (GET /api/v2/messages/counts). The WhatsApp routes the frontend uses call the same services.
 */
describe('Message operations on any channel: re-drive and counts', () => {
  let scenario: CloudApiScenario;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let stranger: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({ accountName: 'recepcao' });
    ({ graph, app, tenant } = scenario);
    stranger = await createTenant(app);
    const account = await app.inject({
      method: 'GET',
      url: '/api/v2/channel-accounts/recepcao',
      headers: tenant.headers,
    });
    accountId = account.json<{ id: string }>().id;
  });

  afterAll(() => scenario.close());

  const post = (url: string, payload: object, as: TestTenant = tenant) =>
    app.inject({ method: 'POST', url, headers: as.headers, payload });
  const get = (url: string, as: TestTenant = tenant) =>
    app.inject({ method: 'GET', url, headers: as.headers });

  const sendText = async (to: string, text: string): Promise<string> => {
    const response = await post('/api/v2/whatsapp/send/text', { instanceId: 'recepcao', to, text });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };
  const statusOf = async (id: string) =>
    (await get(`/api/v2/messages/${id}`)).json<{ status: string }>().status;
  const callsWith = (text: string) =>
    graph.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (r.json as { text?: { body?: string } } | undefined)?.text?.body === text,
    ).length;

  it("re-drives a failed send named by id, and never another tenant's", async () => {
    await scenario.customerWrites('5511987654040', 'Oi');
    graph.failNext(1, 131026);
    const id = await sendText('+5511987654040', 'tentar de novo');
    await eventually(async () => expect(await statusOf(id)).toBe('failed'));

    const foreign = await post('/api/v2/messages/retry', { messageIds: [id] }, stranger);
    expect(foreign.statusCode).toBe(202);
    expect(foreign.json()).toEqual({ requeued: 0 });
    const foreignAccount = await post(
      '/api/v2/messages/retry',
      { channelAccountId: 'recepcao' },
      stranger,
    );
    expect(foreignAccount.statusCode).toBe(404);
    expect(foreignAccount.headers['content-type']).toContain('application/problem+json');
    expect(await statusOf(id)).toBe('failed');

    const redrive = await post('/api/v2/messages/retry', {
      hub: 'whatsapp',
      channelAccountId: 'recepcao',
      messageIds: [id],
    });
    expect(redrive.statusCode).toBe(202);
    expect(redrive.json()).toEqual({ requeued: 1 });
    await eventually(async () => expect(await statusOf(id)).toBe('sent'), 15_000);
    expect(callsWith('tentar de novo')).toBe(2);
    // The stream told subscribers each step, the re-drive's way back to queued included.
    const events: { type: string; status: string | null }[] = await app
      .get(DataSource)
      .query(`SELECT type, status FROM domain_events WHERE message_id = $1 ORDER BY seq`, [id]);
    expect(events.map((event) => `${event.type}:${event.status}`)).toEqual([
      'message.accepted:queued',
      'message.status_changed:failed',
      'message.status_changed:queued',
      'message.sent:sent',
    ]);
  });

  it('re-drives nothing of a hub the failures are not on', async () => {
    await scenario.customerWrites('5511987655050', 'Oi');
    graph.failNext(1, 131026);
    const id = await sendText('+5511987655050', 'outro canal');
    await eventually(async () => expect(await statusOf(id)).toBe('failed'));

    const elsewhere = await post('/api/v2/messages/retry', { hub: 'instagram' });
    expect(elsewhere.json()).toEqual({ requeued: 0 });
    expect(await statusOf(id)).toBe('failed');
  });

  it('counts messages per account, direction and status, as the WhatsApp metrics route sums them', async () => {
    const response = await get('/api/v2/messages/counts?hub=whatsapp&channelAccountId=recepcao');
    expect(response.statusCode).toBe(200);
    const { since, counts } = response.json<{ since: string; counts: Count[] }>();
    expect(Date.now() - Date.parse(since)).toBeGreaterThanOrEqual(24 * 3_600_000 - 60_000);
    expect(counts).toEqual(
      expect.arrayContaining([
        {
          channelAccountId: accountId,
          hub: 'whatsapp',
          direction: 'inbound',
          status: 'received',
          count: 2,
        },
        {
          channelAccountId: accountId,
          hub: 'whatsapp',
          direction: 'outbound',
          status: 'sent',
          count: 1,
        },
        {
          channelAccountId: accountId,
          hub: 'whatsapp',
          direction: 'outbound',
          status: 'failed',
          count: 1,
        },
      ]),
    );

    const metrics = await get('/api/v2/whatsapp/metrics');
    expect(metrics.json<{ counts: unknown[] }>().counts).toEqual(
      counts.map(({ direction, status, count }) => ({ direction, status, count })),
    );
  });

  it("counts nothing of another tenant's, and answers 404 for its account", async () => {
    const mine = await get('/api/v2/messages/counts', stranger);
    expect(mine.statusCode).toBe(200);
    expect(mine.json<{ counts: Count[] }>().counts).toEqual([]);
    const theirs = await get('/api/v2/messages/counts?channelAccountId=recepcao', stranger);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.headers['content-type']).toContain('application/problem+json');
  });

  it.each([
    ['POST', '/api/v2/messages/retry', { messageIds: ['not-an-id'] }, 'messageIds'],
    ['POST', '/api/v2/messages/retry', { since: 'yesterday' }, 'since'],
    ['POST', '/api/v2/messages/retry', { hub: 'fax' }, 'hub'],
    ['GET', '/api/v2/messages/counts?since=yesterday', undefined, 'since'],
  ] as const)(
    'refuses %s %s with a malformed filter, naming it',
    async (method, url, payload, field) => {
      const response = await app.inject({ method, url, headers: tenant.headers, payload });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
        field,
      );
    },
  );
});
