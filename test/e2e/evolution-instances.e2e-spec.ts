import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { DataSource } from 'typeorm';
import { EVOLUTION_WEBHOOK_EVENTS } from '@app/whatsapp/evolution/evolution-instance-bodies';
import { EVOLUTION_WEBHOOK_SECRET_HEADER } from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionWebhookRegistrationTask } from '@app/whatsapp/instances/evolution-webhook-registration.task';
import {
  EvolutionFake,
  EvolutionWebhookDelivery,
  startEvolutionFake,
} from '@test/fakes/evolution/evolution-fake';
import { evolutionUpsert, newEvolutionKeyId } from '@test/fakes/evolution/webhooks';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;
const GLOBAL_KEY = 'E2E-EVOLUTION-GLOBAL-KEY-0001';
const PUBLIC_BASE_URL = 'https://omnihub.example.com';

describe('Evolution instances API (/api/v2/whatsapp/connect, instances, recovery)', () => {
  let app: NestFastifyApplication;
  let fake: EvolutionFake;
  let tenant: TestTenant;
  let otherTenant: TestTenant;

  beforeAll(async () => {
    fake = await startEvolutionFake({ globalApiKey: GLOBAL_KEY });
    app = await createTestApp({
      APP_ROLE: 'api',
      EVOLUTION_BASE_URL: fake.baseUrl,
      EVOLUTION_API_KEY: GLOBAL_KEY,
      PUBLIC_BASE_URL,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-instances-${randomUUID()}`,
    });
    tenant = await createTenant(app);
    otherTenant = await createTenant(app);
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
  ) => app.inject({ method, url: `/api/v2/whatsapp${url}`, headers: tenant.headers, payload });

  const connect = (instanceId: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/connect', { instanceId, businessId: tenant.id, ...extra });

  const createdInstanceName = (instanceId: string) =>
    fake.requests
      .filter((r) => r.path === '/instance/create')
      .map((r) => (r.json as { instanceName: string }).instanceName)
      .find((name) => name.endsWith(`-${instanceId}`)) ?? '';

  const accountStatus = async (accountId: string) =>
    (await app.get(ChannelAccountsService).get(tenant.id, accountId)).status;

  it('creates the instance with a webhook naming the new account and returns its QR code', async () => {
    const response = await connect('loja-centro');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ instanceId: 'loja-centro', state: 'connecting' });
    expect(body.qrCode.base64).toMatch(/^data:image\/png;base64,/);
    expect(body.qrCode.code).toMatch(/^2@/);

    const create = fake.requests.find((r) => r.path === '/instance/create');
    expect(create?.headers.apikey).toBe(GLOBAL_KEY);
    const sent = create?.json as { instanceName: string; token: string; webhook: unknown };
    expect(sent.instanceName).toMatch(/^oh-[0-9a-f]{10}-loja-centro$/);
    expect(sent.webhook).toEqual({
      enabled: true,
      url: `${PUBLIC_BASE_URL}/webhooks/evolution/${body.accountId}`,
      byEvents: false,
      base64: false,
      events: [...EVOLUTION_WEBHOOK_EVENTS],
      headers: { [EVOLUTION_WEBHOOK_SECRET_HEADER]: expect.stringMatching(/^[\w-]{43}$/) },
    });

    const account = await app.get(ChannelAccountsService).open(tenant.id, 'loja-centro');
    expect(account).toMatchObject({ provider: 'evolution', externalId: sent.instanceName });
    expect(account.credentials).toEqual({ baseUrl: fake.baseUrl, apiKey: sent.token });
  });

  it('serves the latest QR code until the instance connects, then 404 WHATSAPP.NO_QR', async () => {
    const pending = await call('GET', '/instances/loja-centro/qr');
    expect(pending.statusCode).toBe(200);
    expect(pending.json().base64).toMatch(/^data:image\/png;base64,/);

    const instanceName = fake.requests.find((r) => r.path === '/instance/create')?.json as {
      instanceName: string;
    };
    fake.setState(instanceName.instanceName, 'open');
    const connected = await call('GET', '/instances/loja-centro/qr');
    expect(connected.statusCode).toBe(404);
    expect(connected.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(connected.json().code).toBe('WHATSAPP.NO_QR');
  });

  it('reconnects an existing instance instead of creating it again, with a pairing code', async () => {
    const creates = fake.requests.filter((r) => r.path === '/instance/create').length;
    const first = await connect('clinica', { number: '5511999999999' });
    expect(first.json().qrCode.pairingCode).toBe('WZYEH1YY');
    const again = await connect('clinica');
    expect(again.statusCode).toBe(200);
    expect(again.json().accountId).toBe(first.json().accountId);
    expect(fake.requests.filter((r) => r.path === '/instance/create')).toHaveLength(creates + 1);
    expect(fake.requests.at(-1)?.path).toMatch(/^\/instance\/connect\/oh-[0-9a-f]{10}-clinica$/);
    // The webhook is set again first, with the secret the instance was created with.
    const [created, set] = ['/instance/create', '/webhook/set/'].map((path) =>
      fake.requests.filter((r) => r.path.startsWith(path)).at(-1),
    );
    expect((set?.json as { webhook: unknown }).webhook).toEqual({
      ...(created?.json as { webhook: object }).webhook,
    });
  });

  /** What Evolution posts for an inbound text on `instanceId`'s instance, as it would post it. */
  /** Connects an instance for a tenant of its own, so the other tests' listings stay as they are. */
  const connectAlone = async (instanceId: string): Promise<string> => {
    const owner = await createTenant(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/connect',
      headers: owner.headers,
      payload: { instanceId, businessId: owner.id },
    });
    return response.json<{ accountId: string }>().accountId;
  };

  const deliveryOfAnInboundText = (instanceName: string) =>
    fake.webhookDelivery(
      instanceName,
      evolutionUpsert(
        { name: instanceName, apiKey: 'unused' },
        { remoteJid: '5511987650001@s.whatsapp.net', id: newEvolutionKeyId() },
      ),
    );

  const injectDelivery = (delivery: EvolutionWebhookDelivery | undefined) => {
    if (!delivery) throw new Error('Evolution has no webhook for this event');
    return app.inject({
      method: 'POST',
      url: delivery.path,
      headers: delivery.headers,
      payload: JSON.stringify(delivery.body),
    });
  };

  it('accepts the webhooks Evolution sends under its default settings (body apikey null)', async () => {
    const accountId = await connectAlone('padaria');
    const instanceName = createdInstanceName('padaria');
    const delivery = deliveryOfAnInboundText(instanceName);
    expect(delivery?.body.apikey).toBeNull();
    expect(delivery?.path).toBe(`/webhooks/evolution/${accountId}`);
    const response = await injectDelivery(delivery);
    expect(response.statusCode).toBe(200);
  });

  it('gives an instance made before webhook secrets its secret header (registration task)', async () => {
    const accountId = await connectAlone('legado');
    const instanceName = createdInstanceName('legado');
    // As an instance created before this release: no keys, a webhook without headers.
    await app
      .get(DataSource)
      .query(`DELETE FROM evolution_webhook_keys WHERE account_id = $1`, [accountId]);
    const { headers: _headers, ...bare } = fake.instance(instanceName)?.webhook ?? {};
    fake.instance(instanceName)!.webhook = bare;
    expect((await injectDelivery(deliveryOfAnInboundText(instanceName))).statusCode).toBe(503);

    // The task walks every tenant's accounts in the shared test database; suites running beside
    // this one own Evolution accounts on servers that are not there, so only ours is judged.
    const report = await app.get(EvolutionWebhookRegistrationTask).run();
    expect(report.registered).toBeGreaterThanOrEqual(1);
    expect(fake.instance(instanceName)?.webhook?.headers).toEqual({
      [EVOLUTION_WEBHOOK_SECRET_HEADER]: expect.any(String),
    });
    expect((await injectDelivery(deliveryOfAnInboundText(instanceName))).statusCode).toBe(200);
    // Registered once: the next pass has nothing to do for it.
    const sets = fake.requests.filter((r) => r.path === `/webhook/set/${instanceName}`).length;
    await app.get(EvolutionWebhookRegistrationTask).run();
    expect(fake.requests.filter((r) => r.path === `/webhook/set/${instanceName}`)).toHaveLength(
      sets,
    );
  });

  it("refuses another tenant's businessId with 403 WHATSAPP.BUSINESS_MISMATCH", async () => {
    const before = fake.requests.length;
    const response = await call('POST', '/connect', {
      instanceId: 'intruder',
      businessId: otherTenant.id,
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json().code).toBe('WHATSAPP.BUSINESS_MISMATCH');
    expect(fake.requests).toHaveLength(before);
  });

  it('shows provider evolution and the live connection state in the status route', async () => {
    const response = await call('GET', '/status/loja-centro');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      instanceId: 'loja-centro',
      provider: 'evolution',
      connectionState: 'open',
      circuit: 'closed',
    });
    expect(response.json().qrCode).toBeUndefined();
  });

  it("lists the tenant's instances with their state, and no other tenant's", async () => {
    const mine = await call('GET', '/instances');
    expect(mine.statusCode).toBe(200);
    const states = Object.fromEntries(
      mine.json().items.map((i: { instanceId: string; state: string }) => [i.instanceId, i.state]),
    );
    expect(states).toEqual({ 'loja-centro': 'open', clinica: 'connecting' });
    const theirs = await app.inject({
      method: 'GET',
      url: '/api/v2/whatsapp/instances',
      headers: otherTenant.headers,
    });
    expect(theirs.json().items).toEqual([]);
  });

  it('logs an instance out on Evolution and marks the account for a new scan', async () => {
    const response = await call('POST', '/instances/loja-centro/logout');
    expect(response.statusCode).toBe(200);
    const logout = fake.requests.at(-1);
    expect(logout?.method).toBe('DELETE');
    expect(logout?.path).toMatch(/^\/instance\/logout\/oh-[0-9a-f]{10}-loja-centro$/);
    expect(await accountStatus(response.json().accountId)).toBe('needs_reauth');
  });

  it('reconnects the disconnected instances on recovery and reports each', async () => {
    const clinica = (await connect('clinica')).json().accountId as string;
    expect(await accountStatus(clinica)).toBe('disconnected');
    const instanceName = (await app.get(ChannelAccountsService).get(tenant.id, clinica)).externalId;
    fake.setState(instanceName, 'open');

    const response = await call('POST', '/recovery');
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toEqual([{ instanceId: 'clinica', outcome: 'reconnected' }]);
    expect(fake.requests.at(-1)?.path).toBe(`/instance/connect/${instanceName}`);
    expect(await accountStatus(clinica)).toBe('active');
  });

  it('deletes the instance on Evolution and keeps the account, disabled', async () => {
    const response = await call('DELETE', '/instances/clinica');
    expect(response.statusCode).toBe(200);
    const accountId = response.json().accountId as string;
    const instanceName = (await app.get(ChannelAccountsService).get(tenant.id, accountId))
      .externalId;
    expect(fake.requests.at(-1)?.path).toBe(`/instance/delete/${instanceName}`);
    expect(fake.instance(instanceName)).toBeUndefined();
    expect(await accountStatus(accountId)).toBe('disabled');
    const list = await call('GET', '/instances');
    expect(list.json().items.map((i: { instanceId: string }) => i.instanceId)).toEqual([
      'loja-centro',
    ]);
  });
});

describe('Evolution instances API without an Evolution server', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({
      APP_ROLE: 'api',
      EVOLUTION_BASE_URL: '',
      EVOLUTION_API_KEY: '',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-instances-none-${randomUUID()}`,
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers connect with 503 WHATSAPP.EVOLUTION_NOT_CONFIGURED', async () => {
    const tenant = await createTenant(app);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/connect',
      headers: tenant.headers,
      payload: { instanceId: 'loja', businessId: tenant.id },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('WHATSAPP.EVOLUTION_NOT_CONFIGURED');
  });
});
