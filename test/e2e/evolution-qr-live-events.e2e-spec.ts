import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { evolutionConnectionUpdate, evolutionQrCodeUpdated } from '@test/fakes/evolution/webhooks';
import { SseTestClient } from '@test/support/sse-test-client';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const GLOBAL_KEY = 'E2E-EVOLUTION-QR-GLOBAL-KEY-01';
const PUBLIC_BASE_URL = 'https://omnihub.example.com';

interface AccountEvent {
  type: string;
  channelAccountId?: string;
  status?: string;
}

/**
 * Evolution's QRCODE_UPDATED webhook reaches the frontend's live stream as
 * `account.status_changed` / `qr_updated`: the instance is created through the API against the
 * Evolution fake, the fake builds the webhook POSTs it would make (with the secret header the
 * instance was registered with), and the stream is read over HTTP as a browser would.
 */
describe('Evolution QR updates on the live stream', () => {
  let app: NestFastifyApplication;
  let fake: EvolutionFake;
  let tenant: TestTenant;
  let base: string;
  const open: SseTestClient[] = [];

  beforeAll(async () => {
    fake = await startEvolutionFake({ globalApiKey: GLOBAL_KEY });
    app = await createTestApp({
      APP_ROLE: 'all',
      EVOLUTION_BASE_URL: fake.baseUrl,
      EVOLUTION_API_KEY: GLOBAL_KEY,
      PUBLIC_BASE_URL,
      MESSAGING_EVENTS_POLL_INTERVAL_MS: '50',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-qr-live-${randomUUID()}`,
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    tenant = await createTenant(app);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  /** A new instance, paired by QR: its account id and the name Evolution knows it by. */
  const connectInstance = async (instanceId: string) => {
    const connected = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/connect',
      headers: tenant.headers,
      payload: { instanceId, businessId: tenant.id },
    });
    expect(connected.statusCode).toBe(200);
    const accountId = connected.json<{ accountId: string }>().accountId;
    const instanceName =
      fake.requests
        .filter((r) => r.path === '/instance/create')
        .map((r) => (r.json as { instanceName: string }).instanceName)
        .find((name) => name.endsWith(`-${instanceId}`)) ?? '';
    return { accountId, instanceName };
  };

  /** Evolution posting `envelope` to the instance's registered webhook. */
  const evolutionPosts = async (instanceName: string, envelope: Record<string, unknown>) => {
    const delivery = fake.webhookDelivery(instanceName, envelope);
    if (!delivery) throw new Error(`${instanceName} has no webhook for ${String(envelope.event)}`);
    const answer = await app.inject({
      method: 'POST',
      url: delivery.path,
      headers: delivery.headers,
      payload: JSON.stringify(delivery.body),
    });
    expect(answer.statusCode).toBe(200);
  };

  const qrOf = (n: number) => ({
    base64: `data:image/png;base64,iVBORw0KGgo${n}AAAA`,
    code: `2@${randomUUID()}`,
    pairingCode: `WZYEH${n}YY`,
  });

  it('announces each new QR code as account.status_changed qr_updated, without the code itself', async () => {
    const client = await SseTestClient.open(
      `${base}/api/v2/events/stream?types=account.status_changed`,
      tenant.headers,
    );
    open.push(client);
    const { accountId, instanceName } = await connectInstance('qr-recepcao');
    const first = qrOf(1);
    const second = qrOf(2);

    const ours = () =>
      client.events<AccountEvent>().filter((e) => e.channelAccountId === accountId);
    await evolutionPosts(
      instanceName,
      evolutionQrCodeUpdated({ name: instanceName, apiKey: '' }, first),
    );
    await client.until(() => ours().length === 2);
    // The same QR posted again is no news; the next rotation is.
    await evolutionPosts(
      instanceName,
      evolutionQrCodeUpdated({ name: instanceName, apiKey: '' }, first),
    );
    await evolutionPosts(
      instanceName,
      evolutionQrCodeUpdated({ name: instanceName, apiKey: '' }, second),
    );
    await client.until(() => ours().length === 3);
    await evolutionPosts(
      instanceName,
      evolutionConnectionUpdate({ name: instanceName, apiKey: '' }, 'open'),
    );
    await client.until(() => ours().length === 4);

    expect(ours().map((e) => [e.type, e.status])).toEqual([
      // connecting a new instance: not paired yet
      ['account.status_changed', 'disconnected'],
      ['account.status_changed', 'qr_updated'],
      ['account.status_changed', 'qr_updated'],
      ['account.status_changed', 'active'],
    ]);
    // The QR is a pairing credential: it never travels on the stream...
    const wire = client.messages.map((m) => m.data).join('\n');
    for (const secret of [first.code, first.base64, first.pairingCode, second.code]) {
      expect(wire).not.toContain(secret);
    }
    // ...the frontend fetches it from the authenticated route the event points to.
    const account = await app.inject({
      method: 'GET',
      url: `/api/v2/channel-accounts/${accountId}`,
      headers: tenant.headers,
    });
    expect(account.json<{ status: string }>().status).toBe('active');
  });

  it('serves the announced QR code from GET /api/v2/whatsapp/instances/{instanceId}/qr', async () => {
    const client = await SseTestClient.open(
      `${base}/api/v2/events/stream?types=account.status_changed`,
      tenant.headers,
    );
    open.push(client);
    const { accountId, instanceName } = await connectInstance('qr-balcao');
    const qr = qrOf(3);
    await evolutionPosts(
      instanceName,
      evolutionQrCodeUpdated({ name: instanceName, apiKey: '' }, qr),
    );
    const announced = () =>
      client
        .events<AccountEvent>()
        .filter((e) => e.channelAccountId === accountId && e.status === 'qr_updated');
    await client.until(() => announced().length === 1);

    const fetched = await app.inject({
      method: 'GET',
      url: `/api/v2/whatsapp/instances/${accountId}/qr`,
      headers: tenant.headers,
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(qr);
  });
});
