import { EvolutionInstancesClient } from '@app/whatsapp/evolution/evolution-instances.client';
import { EVOLUTION_WEBHOOK_EVENTS } from '@app/whatsapp/evolution/evolution-instance-bodies';
import type { EvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { GLOBAL_KEY, SHOP, failureOf, startEvolution } from './evolution-harness';

const WEBHOOK = {
  url: 'https://omnihub.example.com/webhooks/evolution/acc-1',
  events: EVOLUTION_WEBHOOK_EVENTS,
};

describe('EvolutionInstancesClient', () => {
  let fake: EvolutionFake;
  let instances: EvolutionInstancesClient;
  let close: () => Promise<void>;
  const server = () => ({ baseUrl: fake.baseUrl, apiKey: GLOBAL_KEY });

  beforeAll(async () => {
    const started = await startEvolution();
    ({ fake, close } = started);
    instances = started.moduleRef.get(EvolutionInstancesClient);
  });

  afterAll(async () => close?.());

  it('creates a Baileys instance with its token and webhook, and gets the first QR code', async () => {
    const created = await instances.create(server(), {
      instanceName: 'loja-norte',
      token: 'TOKEN-NORTE-1',
      webhook: WEBHOOK,
    });

    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/instance/create');
    expect(request.headers.apikey).toBe(GLOBAL_KEY);
    expect(request.json).toEqual({
      instanceName: 'loja-norte',
      token: 'TOKEN-NORTE-1',
      integration: 'WHATSAPP-BAILEYS',
      qrcode: true,
      webhook: {
        enabled: true,
        url: WEBHOOK.url,
        byEvents: false,
        base64: false,
        events: [...EVOLUTION_WEBHOOK_EVENTS],
      },
    });
    expect(created).toMatchObject({ instanceName: 'loja-norte', token: 'TOKEN-NORTE-1' });
    expect(created.connect).toMatchObject({
      state: 'pairing',
      qrBase64: expect.stringMatching(/^data:image\/png;base64,/),
    });
    expect(fake.instance('loja-norte')?.webhook).toMatchObject({ url: WEBHOOK.url });
  });

  it('refuses a taken instance name as rejected, not as an auth failure', async () => {
    const error = await failureOf(
      instances.create(server(), { instanceName: SHOP.name, token: 'X', webhook: WEBHOOK }),
    );
    expect(error.failure).toBe('rejected');
    expect(error.details.platformCode).toBe('INSTANCE_NAME_IN_USE');
  });

  it('needs the global key to create: an instance token is refused', async () => {
    const error = await failureOf(
      instances.create(
        { baseUrl: fake.baseUrl, apiKey: SHOP.token },
        { instanceName: 'loja-oeste', token: 'Y', webhook: WEBHOOK },
      ),
    );
    expect(error.failure).toBe('auth');
  });

  it('connects with a QR code, and with a pairing code when given the number', async () => {
    const access = { baseUrl: fake.baseUrl, apiKey: 'TOKEN-NORTE-1', instance: 'loja-norte' };
    const qr = await instances.connect(access);
    expect(qr).toMatchObject({
      state: 'pairing',
      qrBase64: expect.any(String),
      qrCode: expect.stringMatching(/^2@/),
    });
    expect(qr).not.toHaveProperty('pairingCode');

    const paired = await instances.connect(access, { number: '5511987654321' });
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/instance/connect/loja-norte');
    expect(request.query).toEqual({ number: '5511987654321' });
    expect(request.headers.apikey).toBe('TOKEN-NORTE-1');
    expect(paired).toMatchObject({ state: 'pairing', pairingCode: 'WZYEH1YY' });
  });

  it('reports open instead of a QR once the instance is connected', async () => {
    fake.setState('loja-norte', 'open');
    const access = { baseUrl: fake.baseUrl, apiKey: 'TOKEN-NORTE-1', instance: 'loja-norte' };
    expect(await instances.connect(access)).toEqual({ state: 'open' });
    expect(await instances.connectionState(access)).toBe('open');
  });

  it('sets the webhook with the documented body', async () => {
    const access = { baseUrl: fake.baseUrl, apiKey: SHOP.token, instance: SHOP.name };
    await instances.setWebhook(access, { ...WEBHOOK, headers: { 'x-omnihub-account': 'acc-1' } });
    const request = fake.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/webhook/set/${SHOP.name}`);
    expect(request.json).toEqual({
      webhook: {
        enabled: true,
        url: WEBHOOK.url,
        byEvents: false,
        base64: false,
        events: [...EVOLUTION_WEBHOOK_EVENTS],
        headers: { 'x-omnihub-account': 'acc-1' },
      },
    });
  });

  it('logs out (twice is fine), then deletes (twice is fine)', async () => {
    const access = { baseUrl: fake.baseUrl, apiKey: 'TOKEN-NORTE-1', instance: 'loja-norte' };
    expect(await instances.logout(access)).toBe('logged-out');
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/instance/logout/loja-norte',
    });
    expect(await instances.connectionState(access)).toBe('close');
    expect(await instances.logout(access)).toBe('was-not-connected');

    expect(await instances.delete(access)).toBe('deleted');
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/instance/delete/loja-norte',
    });
    expect(fake.instance('loja-norte')).toBeUndefined();
    expect(await instances.delete(access)).toBe('not-found');
  });
});
