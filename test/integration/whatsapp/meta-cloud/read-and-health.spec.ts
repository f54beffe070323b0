import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  GRAPH_VERSION,
  SHOP,
  SHOP_SECOND_NUMBER,
  accountFor,
  failureOf,
  startMetaCloud,
} from './meta-cloud-harness';

const RECEIVED = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDJCNjQ2OUVGMUE4QzM0MUQ2AA==';

describe('MetaCloudProvider mark-as-read and health', () => {
  let fake: MetaGraphFake;
  let provider: MetaCloudProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud();
    ({ fake, close } = started);
    provider = started.moduleRef.get(MetaCloudProvider);
  });

  afterAll(async () => close?.());

  it('marks a received message as read with the documented body', async () => {
    await provider.markAsRead(accountFor(SHOP), RECEIVED);
    const request = fake.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/${GRAPH_VERSION}/${SHOP.phoneNumberId}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
    expect(request?.json).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: RECEIVED,
    });
    expect(fake.readReceipts()).toEqual([RECEIVED]);
  });

  it("passes on Meta's 131009 for an id that is not a message id", async () => {
    const error = await failureOf(provider.markAsRead(accountFor(SHOP), 'not-a-wamid'));
    expect(error.details.platformCode).toBe('131009');
    expect(error.retryable).toBe(false);
  });

  it("probes an account's phone number fields and reports it up", async () => {
    const health = await provider.checkHealth(accountFor(SHOP));
    const request = fake.requests.at(-1);
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`/${GRAPH_VERSION}/${SHOP.phoneNumberId}`);
    expect(request?.query).toEqual({ fields: 'verified_name,quality_rating,display_phone_number' });
    expect(request?.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
    expect(health.status).toBe('up');
    expect(health.detail).toBe('"Loja Exemplo" reachable, quality rating GREEN');
    expect(health.latencyMs).toEqual(expect.any(Number));
  });

  it('reports a YELLOW number as degraded', async () => {
    expect((await provider.checkHealth(accountFor(SHOP_SECOND_NUMBER))).status).toBe('degraded');
  });

  it('reports an account whose token Meta rejects as down, without throwing', async () => {
    const health = await provider.checkHealth(accountFor(SHOP, { accessToken: 'EAAJB0expired' }));
    expect(health.status).toBe('down');
    expect(health.detail).toMatch(/^access token rejected/);
    expect(health.detail).toContain('Meta error 190');
    expect(health.detail).not.toContain('EAAJB0');
  });

  it('reports down when Meta fails the probe', async () => {
    fake.failNext(1, 131000);
    const health = await provider.checkHealth(accountFor(SHOP));
    expect(health.status).toBe('down');
    expect(health.detail).toMatch(/^Graph API unreachable or failing/);
  });

  it('makes no call without an account, and says so', async () => {
    const before = fake.requests.length;
    const health = await provider.checkHealth();
    expect(fake.requests).toHaveLength(before);
    expect(health.status).toBe('up');
    expect(health.detail).toContain('not probed');
    expect(health.latencyMs).toBeUndefined();
  });
});
