import type { OutboundMessage } from '@core/channel/outbound-message';
import { EvolutionProvider } from '@app/whatsapp/evolution/evolution.provider';
import type { EvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { CLINIC, SHOP, accountFor, failureOf, startEvolution } from './evolution-harness';

const UNREGISTERED = '5511900000000';
const text = (to = '+5511987654321'): OutboundMessage => ({
  id: 'msg-9',
  to,
  type: 'text',
  text: 'Olá Ana, pedido A-1001',
});

describe("Evolution's error answers and connection state, as the provider reads them", () => {
  let fake: EvolutionFake;
  let provider: EvolutionProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startEvolution({ unregisteredNumbers: [UNREGISTERED] });
    ({ fake, close } = started);
    provider = started.moduleRef.get(EvolutionProvider);
  });

  afterAll(async () => close?.());

  it('fails a wrong apikey permanently as auth, without the key or body in the error', async () => {
    const error = await failureOf(
      provider.send(accountFor(fake, SHOP, { apiKey: 'WRONG-KEY' }), text()),
    );
    expect(error.failure).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.details.status).toBe(401);
    expect(error.message).not.toContain('WRONG-KEY');
  });

  it('fails an unknown instance as not-found, permanently', async () => {
    const account = { ...accountFor(fake, SHOP), externalId: 'no-such-instance' };
    const error = await failureOf(provider.send(account, text()));
    expect(error.failure).toBe('not-found');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 404, platformCode: 'INSTANCE_NOT_FOUND' });
    expect(error.message).not.toContain('no-such-instance');
  });

  it('rejects a number that is not on WhatsApp without leaking it', async () => {
    const error = await failureOf(provider.send(accountFor(fake, SHOP), text(`+${UNREGISTERED}`)));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 400, platformCode: 'NUMBER_NOT_ON_WHATSAPP' });
    expect(error.message).not.toContain(UNREGISTERED);
  });

  it('retries a send on a disconnected instance (Connection Closed)', async () => {
    const error = await failureOf(provider.send(accountFor(fake, CLINIC), text()));
    expect(error.retryable).toBe(true);
    expect(error.details.platformCode).toBe('CONNECTION_CLOSED');
    expect(fake.sent().filter((m) => m.instance === CLINIC.name)).toHaveLength(0);
  });

  it('retries a 500 and then succeeds', async () => {
    fake.failNext(1, 500);
    const error = await failureOf(provider.send(accountFor(fake, SHOP), text()));
    expect(error.failure).toBe('server');
    expect(error.retryable).toBe(true);
    const result = await provider.send(accountFor(fake, SHOP), text());
    expect(result.providerMessageId).toBe(fake.sent().at(-1)!.id);
  });

  it('fails a validation 400 as rejected', async () => {
    fake.failNext(1, 400);
    const error = await failureOf(provider.send(accountFor(fake, SHOP), text()));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
  });

  it('never repeats a send answered after the timeout: Evolution may have sent it', async () => {
    fake.failNext(1, { status: 200, delayMs: 3_000, body: {} });
    const error = await failureOf(provider.send(accountFor(fake, SHOP), text()));
    expect(error.failure).toBe('outcome-unknown');
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['open', 'up'],
    ['connecting', 'degraded'],
    ['close', 'down'],
  ] as const)('reports an instance in state %s as %s', async (state, status) => {
    fake.setState(SHOP.name, state);
    const health = await provider.checkHealth(accountFor(fake, SHOP));
    expect(health.status).toBe(status);
    const probe = fake.requests.at(-1)!;
    expect(probe.method).toBe('GET');
    expect(probe.path).toBe(`/instance/connectionState/${SHOP.name}`);
    expect(probe.headers.apikey).toBe(SHOP.token);
    fake.setState(SHOP.name, 'open');
  });

  it('reports an account whose key is rejected as down, naming the reason', async () => {
    const health = await provider.checkHealth(accountFor(fake, SHOP, { apiKey: 'WRONG-KEY' }));
    expect(health).toMatchObject({
      status: 'down',
      detail: expect.stringContaining('apikey rejected'),
    });
  });

  it('reports itself up without probing any server when asked without an account', async () => {
    const before = fake.requests.length;
    expect((await provider.checkHealth()).status).toBe('up');
    expect(fake.requests.length).toBe(before);
  });
});
