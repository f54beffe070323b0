import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import type { TestTenant } from '@test/support/test-app';
import { eventually } from '@test/support/eventually';

/** Short, so the fake's late answers time out quickly; far above a loopback answer. */
const HTTP_TIMEOUT_MS = 1_000;

/**
 * What becomes of a send after things went wrong, through HTTP only: a failed send re-driven
 * by the operator goes out at once; a send the platform answered too late is held as
 * `unknown` (never sent again by itself) until an operator settles or re-drives it.
 */
describe('WhatsApp sends: re-drive and unknown outcomes', () => {
  let scenario: CloudApiScenario;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let tenant: TestTenant;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'balcao',
      env: { HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS) },
    });
    ({ graph, app, tenant } = scenario);
  });

  afterAll(() => scenario.close());

  const sendText = async (to: string, text: string): Promise<string> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/send/text',
      headers: tenant.headers,
      payload: { instanceId: 'balcao', to, text },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };

  const message = (id: string) =>
    app
      .inject({ method: 'GET', url: `/api/v2/messages/${id}`, headers: tenant.headers })
      .then((r) => r.json<{ status: string; error: { code: string } | null }>());

  const callsWith = (text: string) =>
    graph.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (r.json as { text?: { body?: string } } | undefined)?.text?.body === text,
    ).length;

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: tenant.headers, payload: payload as object });

  it('sends a failed message again at once when it is re-driven', async () => {
    await scenario.customerWrites('5511987651010', 'Olá');
    graph.failNext(1, 131026);
    const id = await sendText('+5511987651010', 'de novo, por favor');
    await eventually(async () => expect((await message(id)).status).toBe('failed'));

    const redrive = await post('/api/v2/whatsapp/queue/retry', { messageIds: [id] });
    expect(redrive.statusCode).toBe(202);
    expect(redrive.json()).toEqual({ requeued: 1 });
    // Its first job is kept (completed) under the same job id; the re-drive must not wait
    // for it to expire (a day) but send now.
    await eventually(async () => expect((await message(id)).status).toBe('sent'), 15_000);
    expect(callsWith('de novo, por favor')).toBe(2);
  });

  it('holds a send answered after the timeout as unknown, sends it once, and lets an operator settle it', async () => {
    await scenario.customerWrites('5511987652020', 'Olá');
    graph.answerNextSendsAfter(1, HTTP_TIMEOUT_MS * 3);
    const id = await sendText('+5511987652020', 'resposta lenta');
    const held = await eventually(async () => {
      const current = await message(id);
      expect(current.status).toBe('unknown');
      return current;
    }, 15_000);
    expect(held.error?.code).toBe('PLATFORM.OUTCOME_UNKNOWN');
    // The job is done: nothing is left to send it again.
    const job = await app.get<Queue>(getQueueToken(QueueName.Outbound)).getJob(id);
    expect(await job?.getState()).toBe('completed');
    expect(callsWith('resposta lenta')).toBe(1);

    const settled = await post(`/api/v2/messages/${id}/outcome`, { outcome: 'sent' });
    expect(settled.statusCode).toBe(200);
    expect(settled.json()).toEqual({ id, status: 'sent' });
    expect(await message(id)).toMatchObject({ status: 'sent', error: null });
    const again = await post(`/api/v2/messages/${id}/outcome`, { outcome: 'failed' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'MESSAGE.OUTCOME_KNOWN' });
  });

  it('re-sends an unknown outcome only when the operator names it', async () => {
    await scenario.customerWrites('5511987653030', 'Olá');
    graph.answerNextSendsAfter(1, HTTP_TIMEOUT_MS * 3);
    const id = await sendText('+5511987653030', 'arriscar de novo');
    await eventually(async () => expect((await message(id)).status).toBe('unknown'), 15_000);

    const sweep = await post('/api/v2/whatsapp/queue/retry', {});
    expect(sweep.json()).toEqual({ requeued: 0 });
    const named = await post('/api/v2/whatsapp/queue/retry', { messageIds: [id] });
    expect(named.json()).toEqual({ requeued: 1 });
    await eventually(async () => expect((await message(id)).status).toBe('sent'), 15_000);
    expect(callsWith('arriscar de novo')).toBe(2);
  });
});
