import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import { MetaGraphClient } from '@app/meta/graph/meta-graph.client';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { metaErrorAnswer } from '@test/fakes/meta-graph/meta-error-payloads';
import { SHOP, accountFor, failureOf, startMetaCloud } from './meta-cloud-harness';

const TO = '5511987654321';
const TEXT = 'Olá Ana, seu pedido A-1001 saiu para entrega';

describe("Meta's error answers, as PlatformErrors", () => {
  let fake: MetaGraphFake;
  let provider: MetaCloudProvider;
  let graph: MetaGraphClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud();
    ({ fake, close } = started);
    provider = started.moduleRef.get(MetaCloudProvider);
    graph = started.moduleRef.get(MetaGraphClient);
  });

  afterAll(async () => close?.());

  const sendText = (account = accountFor(SHOP)) =>
    provider.send(account, { id: 'msg-0002', to: TO, type: 'text', text: TEXT });

  it('makes a 130429 throughput error retryable after a hint, and the next try succeeds', async () => {
    fake.failNext(1, 130429);
    const error = await failureOf(sendText());
    expect(error.retryable).toBe(true);
    expect(error.failure).toBe('rate-limited');
    expect(error.details).toMatchObject({ status: 400, platformCode: '130429' });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);

    const result = await sendText();
    expect(result.providerMessageId).toBe(fake.sent().at(-1)?.wamid);
  });

  it('reads 130429 the same when it comes on an HTTP 429', async () => {
    fake.failNext(1, { ...metaErrorAnswer(130429), status: 429 });
    const error = await failureOf(sendText());
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 429, platformCode: '130429' });
  });

  it.each([
    [131056, 6_000],
    [80007, 60_000],
    [4, 60_000],
  ])('makes rate limit %i retryable no sooner than %i ms', async (code, wait) => {
    fake.failNext(1, code);
    const error = await failureOf(sendText());
    expect(error.retryable).toBe(true);
    expect(error.details.platformCode).toBe(String(code));
    expect(error.retryAfterMs).toBe(wait);
  });

  it.each([131026, 131047])('fails at once on %i, with the code recorded', async (code) => {
    const sentBefore = fake.sent().length;
    fake.failNext(1, code);
    const error = await failureOf(sendText());
    expect(error.retryable).toBe(false);
    expect(error.failure).toBe('rejected');
    expect(error.details).toMatchObject({ status: 400, platformCode: String(code) });
    expect(error.code).toBe('PLATFORM.REJECTED');
    expect(fake.sent()).toHaveLength(sentBefore);
  });

  it("answers an unknown token with Meta's 401 code 190, a permanent auth failure", async () => {
    const error = await failureOf(
      sendText(accountFor(SHOP, { accessToken: 'EAAJB0revokedToken' })),
    );
    expect(error.failure).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 401, platformCode: '190' });
  });

  it('reports an expired token (190/463) as auth too', async () => {
    fake.failNext(1, 190);
    const error = await failureOf(sendText());
    expect(error.failure).toBe('auth');
    expect(error.message).toContain('Meta error 190/463');
  });

  it('makes a 131000 on HTTP 500 retryable', async () => {
    fake.failNext(1, 131000);
    const error = await failureOf(sendText());
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 500, platformCode: '131000' });
  });

  it('keeps the message text, the recipient and the token out of every error detail', async () => {
    const errors = [];
    for (const code of [130429, 131026, 131047, 131056, 100]) {
      fake.failNext(1, code);
      errors.push(await failureOf(sendText()));
    }
    errors.push(await failureOf(sendText(accountFor(SHOP, { accessToken: 'EAAJB0revokedToken' }))));
    for (const error of errors) {
      expect(error.message).not.toContain('Ana');
      expect(error.message).not.toContain('98765');
      expect(error.message).not.toContain('EAAJB0');
      expect(error.message).toMatch(/fbtrace_id A[\w-]+/);
    }
  });

  it('fails without calling Meta when the account has no token', async () => {
    const before = fake.requests.length;
    const error = await failureOf(sendText(accountFor(SHOP, { accessToken: '' })));
    expect(error.failure).toBe('auth');
    expect(fake.requests).toHaveLength(before);
  });

  it('is told by the fake, like Meta, that a malformed body is an invalid parameter (100)', async () => {
    const error = await failureOf(
      graph.request(SHOP.accessToken, {
        operation: 'send_message',
        method: 'POST',
        path: `/${SHOP.phoneNumberId}/messages`,
        json: {
          messaging_product: 'whatsapp',
          to: TO,
          type: 'image',
          image: { caption: 'no source' },
        },
      }),
    );
    expect(error.details).toMatchObject({ status: 400, platformCode: '100' });
    expect(error.retryable).toBe(false);
    const answer = await failureOf(
      graph.request(SHOP.accessToken, {
        operation: 'send_message',
        method: 'POST',
        path: `/${SHOP.phoneNumberId}/messages`,
        json: {
          messaging_product: 'whatsapp',
          to: TO,
          type: 'audio',
          audio: { id: '745021', caption: 'x' },
        },
      }),
    );
    expect(answer.details.platformCode).toBe('100');
  });
});
