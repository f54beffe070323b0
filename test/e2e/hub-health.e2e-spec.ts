import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { newId } from '@core/database/ids';
import { QueueName } from '@core/queue/queue-names';
import { AlertsRepository } from '@app/alerts/history/alerts.repository';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { adminHeaders, createTenant, metricsHeaders, TestTenant } from '@test/support/test-app';

interface AccountEntry {
  id: string;
  status: string;
  reasons: string[];
  circuit: { state: string };
  calls: { requests: number; faults: number; lastOutcome: string | null };
}
interface HubEntry {
  hub: string;
  status: string;
  providers: { provider: string; status: string; accounts: AccountEntry[] }[];
}

/**
 * The hub routes through HTTP against the Graph fake: a WhatsApp number failing at the
 * platform takes its hub to degraded (its sibling still works), an operator reset and a
 * successful send bring it back; readiness never follows the platform.
 */
describe('Hub health', () => {
  let scenario: CloudApiScenario;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let failingId: string;
  let siblingId: string;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'loja',
      env: {
        CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
        // No probe during the test: only the operator's reset closes the circuit.
        CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '600000',
        HUB_HEALTH_MIN_CALLS: '2',
        RETRY_BASE_DELAY_MS: '10',
      },
    });
    ({ graph, app, tenant } = scenario);
    const [account] = await scenario.db.query(
      `SELECT id FROM channel_accounts WHERE tenant_id = $1 AND name = 'loja'`,
      [tenant.id],
    );
    failingId = account.id;
    siblingId = newId();
    await scenario.db.query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'whatsapp', 'meta-cloud', 'filial', $3, 'unused')`,
      [siblingId, tenant.id, `ext-${siblingId}`],
    );
  });

  afterAll(() => scenario.close());

  const get = <T>(url: string, headers = tenant.headers) =>
    app
      .inject({ method: 'GET', url, headers })
      .then((r) => ({ status: r.statusCode, body: r.json<T>() }));

  const whatsapp = async () => (await get<HubEntry>('/api/v2/hub/health/whatsapp')).body;
  const accountOf = (hub: HubEntry, id: string) =>
    hub.providers.flatMap((p) => p.accounts).find((a) => a.id === id)!;

  const sendText = async (text: string) => {
    await scenario.customerWrites('5511987650001', 'Olá');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/send/text',
      headers: tenant.headers,
      payload: { instanceId: 'loja', to: '+5511987650001', text },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };

  it('lists every registered hub, healthy while nothing fails', async () => {
    const { status, body } = await get<{ status: string; hubs: HubEntry[] }>('/api/v2/hub/health');
    expect(status).toBe(200);
    expect(body.status).toBe('healthy');
    expect(body.hubs.map((hub) => hub.hub)).toEqual(
      expect.arrayContaining(['whatsapp', 'instagram']),
    );
    expect(
      accountOf(
        body.hubs.find((h) => h.hub === 'whatsapp')!,
        failingId,
      ),
    ).toMatchObject({
      status: 'healthy',
      circuit: { state: 'closed' },
    });
  });

  it('answers 404 problem+json for a hub nobody registered', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/health/myspace',
      headers: tenant.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'HUB.NOT_FOUND' });
  });

  it('goes degraded when one number fails at the platform, and healthy after reset and a good send', async () => {
    graph.failNext(2, 131000);
    const held = await sendText('falha na plataforma');

    await eventually(
      async () => expect(accountOf(await whatsapp(), failingId).circuit.state).toBe('open'),
      15_000,
    );
    const degraded = await whatsapp();
    expect(degraded.status).toBe('degraded');
    expect(accountOf(degraded, failingId)).toMatchObject({
      status: 'down',
      reasons: ['circuit open'],
      calls: { faults: 2, lastOutcome: 'fault' },
    });
    expect(accountOf(degraded, siblingId).status).toBe('healthy');

    // A platform outage is not this pod's problem: it stays in the load balancer.
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    const hubs = await app.inject({ method: 'GET', url: '/health/hubs' });
    expect(hubs.json()).toMatchObject({
      details: { whatsapp: { status: 'up', state: 'degraded', circuits: { open: 1 } } },
    });

    const reset = await app.inject({
      method: 'POST',
      url: '/api/v2/hub/circuit-breaker/whatsapp/reset',
      headers: tenant.headers,
      payload: { account: failingId },
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual({
      reset: [{ hub: 'whatsapp', provider: 'meta-cloud', account: failingId }],
    });
    const audited = await scenario.db.query(
      `SELECT actor_kind, actor_id, action, resource_type, resource_id FROM audit_log
        WHERE tenant_id = $1 AND action = 'circuit.reset'`,
      [tenant.id],
    );
    expect(audited).toEqual([
      {
        actor_kind: 'api_key',
        actor_id: tenant.apiKeyId,
        action: 'circuit.reset',
        resource_type: 'circuit',
        resource_id: `whatsapp/meta-cloud/${failingId}`,
      },
    ]);
    // Closed, but the last call failed at a rate over the limit: still degraded.
    expect(accountOf(await whatsapp(), failingId)).toMatchObject({
      status: 'degraded',
      circuit: { state: 'closed' },
    });

    await sendText('de volta');
    await eventually(
      async () => expect(accountOf(await whatsapp(), failingId).calls.lastOutcome).toBe('success'),
      15_000,
    );
    expect((await whatsapp()).status).toBe('healthy');
    // The send held back while the circuit was open goes out too, now that it is closed.
    await eventually(async () => {
      const { body } = await get<{ status: string }>(`/api/v2/messages/${held}`);
      expect(body.status).toBe('sent');
    }, 15_000);
  });

  it("hides other tenants' accounts and refuses their reset", async () => {
    const other = await createTenant(app);
    const hub = (await get<HubEntry>('/api/v2/hub/health/whatsapp', other.headers)).body;
    expect(hub.providers.flatMap((p) => p.accounts)).toEqual([]);
    const reset = await app.inject({
      method: 'POST',
      url: '/api/v2/hub/circuit-breaker/whatsapp/reset',
      headers: other.headers,
      payload: { account: failingId },
    });
    expect(reset.statusCode).toBe(404);
    const admin = (await get<HubEntry>('/api/v2/hub/health/whatsapp', adminHeaders)).body;
    expect(accountOf(admin, failingId)).toBeDefined();
  });

  it('summarises calls per hub and serves the Prometheus text to the admin only', async () => {
    const summary = await get<{
      hubs: { hub: string; requests: number; failuresByCode: object }[];
    }>('/api/v2/hub/metrics');
    expect(summary.body.hubs.find((h) => h.hub === 'whatsapp')).toMatchObject({
      failuresByCode: { 'PLATFORM.SERVER': 2 },
    });
    const asTenant = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/metrics/prometheus',
      headers: tenant.headers,
    });
    expect(asTenant.statusCode).toBe(403);
    const text = await app.inject({
      method: 'GET',
      url: '/api/v2/hub/metrics/prometheus',
      headers: adminHeaders,
    });
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.body).toContain('hub_circuit_state{');
    const scrape = await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
    expect(scrape.body).toMatch(/queue_jobs\{queue="outbound",state="waiting"\} \d+/);
  });

  describe('dead letters', () => {
    const deadLetters = () =>
      get<{ kind: string; id: string; reason: string; refs: Record<string, string> }[]>(
        '/api/v2/hub/queues/outbound/dead-letters',
        adminHeaders,
      ).then((r) => r.body);
    const statusOf = async (id: string) =>
      (await get<{ status: string }>(`/api/v2/messages/${id}`)).body.status;
    const callsWith = (text: string) =>
      graph.requests.filter(
        (r) =>
          r.method === 'POST' &&
          (r.json as { text?: { body?: string } } | undefined)?.text?.body === text,
      ).length;
    const act = (method: 'POST' | 'DELETE', url: string, payload: object) =>
      app.inject({ method, url, headers: adminHeaders, payload });

    it('lists a failed send with its reason, and re-drives it so it is really sent again', async () => {
      graph.failNext(1, 131026);
      const id = await sendText('vai falhar uma vez');
      await eventually(async () => expect(await statusOf(id)).toBe('failed'), 15_000);

      const listed = (await deadLetters()).find((letter) => letter.id === id);
      expect(listed).toMatchObject({
        kind: 'send',
        reason: expect.stringContaining('131026'),
        refs: { messageId: id, channelAccountId: failingId, hub: 'whatsapp' },
      });

      const retried = await act('POST', '/api/v2/hub/queues/outbound/dead-letters/retry', {
        ids: [id],
      });
      expect(retried.statusCode).toBe(202);
      expect(retried.json()).toEqual({ jobs: [], sends: [id], events: [] });
      // The first job is kept (completed) under the message id: a re-drive that only added a
      // job under that id again would be a no-op, and the message would stay failed.
      await eventually(async () => expect(await statusOf(id)).toBe('sent'), 15_000);
      expect(callsWith('vai falhar uma vez')).toBe(2);
      expect((await deadLetters()).some((letter) => letter.id === id)).toBe(false);
    });

    it('discards a failed send from the view without sending it, audited', async () => {
      graph.failNext(1, 131026);
      const id = await sendText('descartar');
      await eventually(async () => expect(await statusOf(id)).toBe('failed'), 15_000);

      const discarded = await act('DELETE', '/api/v2/hub/queues/outbound/dead-letters', {
        ids: [id],
      });
      expect(discarded.statusCode).toBe(200);
      expect(discarded.json()).toEqual({ jobs: [], sends: [id], events: [] });
      expect((await deadLetters()).some((letter) => letter.id === id)).toBe(false);
      expect(await statusOf(id)).toBe('failed');
      expect(callsWith('descartar')).toBe(1);
      const rows = await scenario.db.query(
        `SELECT actor_kind, action, resource_type FROM audit_log WHERE resource_id = $1`,
        [id],
      );
      expect(rows).toEqual([
        { actor_kind: 'admin', action: 'dead_letter.discarded', resource_type: 'message' },
      ]);
    });

    it('lists a job that exhausted its attempts with its reason, retries it so it really runs again, and discards another', async () => {
      const queue = app.get<Queue>(getQueueToken(QueueName.Maintenance));
      // A real maintenance task whose storage fails while `failing` is set.
      let failing = true;
      let runs = 0;
      const storage = jest
        .spyOn(app.get(AlertsRepository), 'pruneResolved')
        .mockImplementation(() => {
          runs += 1;
          return failing
            ? Promise.reject(new Error('history storage unreachable'))
            : Promise.resolve(0);
        });
      try {
        const add = () =>
          queue.add('alerts.history-retention', {}, { attempts: 1, jobId: `dl-test-${newId()}` });
        const [retried, discarded] = [await add(), await add()];
        const stateOf = async (id: string) => (await queue.getJob(id))?.getState() ?? 'gone';
        await eventually(async () => {
          expect(await stateOf(retried.id!)).toBe('failed');
          expect(await stateOf(discarded.id!)).toBe('failed');
        }, 15_000);
        const letters = await get<{ kind: string; id: string; reason: string; attempts: number }[]>(
          '/api/v2/hub/queues/maintenance/dead-letters',
          adminHeaders,
        );
        expect(letters.body.find((letter) => letter.id === retried.id)).toMatchObject({
          kind: 'job',
          reason: 'history storage unreachable',
          attempts: 1,
        });

        failing = false;
        const runsBefore = runs;
        const retry = await act('POST', '/api/v2/hub/queues/maintenance/dead-letters/retry', {
          ids: [retried.id],
        });
        expect(retry.statusCode).toBe(202);
        expect(retry.json()).toEqual({ jobs: [retried.id], sends: [], events: [] });
        await eventually(async () => expect(await stateOf(retried.id!)).toBe('completed'), 15_000);
        expect(runs).toBeGreaterThan(runsBefore);

        const discard = await act('DELETE', '/api/v2/hub/queues/maintenance/dead-letters', {
          ids: [discarded.id],
        });
        expect(discard.statusCode).toBe(200);
        expect(discard.json()).toEqual({ jobs: [discarded.id], sends: [], events: [] });
        expect(await stateOf(discarded.id!)).toBe('gone');
        const after = await get<{ id: string }[]>(
          '/api/v2/hub/queues/maintenance/dead-letters',
          adminHeaders,
        );
        const gone = [retried.id, discarded.id];
        expect(after.body.filter((letter) => gone.includes(letter.id))).toEqual([]);
        const audited = await scenario.db.query(
          `SELECT action FROM audit_log WHERE resource_type = 'queue_job' AND resource_id = ANY($1)
            ORDER BY action`,
          [[`maintenance/${retried.id}`, `maintenance/${discarded.id}`]],
        );
        expect(audited).toEqual([
          { action: 'dead_letter.discarded' },
          { action: 'dead_letter.retried' },
        ]);
      } finally {
        storage.mockRestore();
      }
    });

    it('refuses an empty selection, an unknown queue and a tenant credential', async () => {
      const empty = await act('POST', '/api/v2/hub/queues/outbound/dead-letters/retry', {});
      expect(empty.statusCode).toBe(400);
      const unknown = await act('POST', '/api/v2/hub/queues/nope/dead-letters/retry', {
        all: true,
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'QUEUE.NOT_FOUND' });
      const asTenant = await get('/api/v2/hub/queues', tenant.headers);
      expect(asTenant.status).toBe(403);
    });

    it('counts jobs per queue and state, and exports queue_jobs and dead_letters', async () => {
      const counts = await get<Record<string, Record<string, number>>>(
        '/api/v2/hub/queues',
        adminHeaders,
      );
      expect(Object.keys(counts.body)).toEqual(
        expect.arrayContaining(['inbound', 'outbound', 'webhooks-out', 'maintenance']),
      );
      expect(counts.body.outbound).toMatchObject({ waiting: expect.any(Number), failed: 0 });
      const scrape = await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
      expect(scrape.body).toMatch(/dead_letters\{queue="outbound",kind="send"\} \d+/);
      expect(scrape.body).toMatch(/queue_jobs\{queue="inbound",state="completed"\} \d+/);
    });
  });
});
