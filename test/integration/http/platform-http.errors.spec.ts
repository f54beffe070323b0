import { TestingModule } from '@nestjs/testing';
import { PlatformError } from '@core/errors/platform-error';
import { PlatformCall, PlatformErrorMapper } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { FakeHttpServer } from '@test/fakes/fake-http-server';
import { bootHttpClient, failureOf, sendCall } from './http-client-harness';

/** Emulates the Meta mapper: these codes mean throttling although the status is 400. */
const META_THROTTLING_CODES = new Set(['4', '80007', '130429', '131056']);
const metaErrorMapper: PlatformErrorMapper = (response, generic) => {
  const error = (response.body as { error?: { code?: number } }).error;
  if (!error?.code) return generic;
  const code = String(error.code);
  return new PlatformError(
    response.hub,
    response.operation,
    META_THROTTLING_CODES.has(code) ? 'rate-limited' : generic.failure,
    `${response.hub} ${response.operation}: Meta error ${code}`,
    { ...generic.details, platformCode: code },
  );
};

const metaError = (code: number, message: string) => ({
  error: { message, type: 'OAuthException', code, error_subcode: 2494010, fbtrace_id: 'AJx1' },
});

const MESSAGES = '/v21.0/1234/messages';

describe('PlatformHttpClient failures', () => {
  let moduleRef: TestingModule;
  let client: PlatformHttpClient;
  let fake: FakeHttpServer;

  beforeAll(async () => {
    fake = await FakeHttpServer.start();
    ({ moduleRef, client } = await bootHttpClient({ HTTP_TIMEOUT_MS: '2000' }));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const call = (operation: string, extra: Partial<PlatformCall> = {}) =>
    client.request(sendCall(fake, operation, extra));

  it('turns a platform slower than timeoutMs into a retryable timeout', async () => {
    fake.reply('POST', MESSAGES, { delayMs: 5_000, body: {} });
    const error = await failureOf(call('send_message', { timeoutMs: 150 }));
    expect(error).toMatchObject({ failure: 'timeout', retryable: true });
    expect(error.message).toBe('whatsapp send_message: no answer within 150 ms');
  });

  it('turns a 500 into a retryable server error carrying status and platform code', async () => {
    fake.reply('POST', MESSAGES, { status: 500, body: { error: { message: 'boom', code: 1 } } });
    const error = await failureOf(call('send_message'));
    expect(error).toMatchObject({ failure: 'server', retryable: true });
    expect(error.details).toMatchObject({ status: 500, platformCode: '1' });
  });

  it('turns 429 with Retry-After seconds into a rate limit with retryAfterMs', async () => {
    fake.reply('POST', MESSAGES, { status: 429, headers: { 'retry-after': '7' } });
    const error = await failureOf(call('send_message'));
    expect(error).toMatchObject({ failure: 'rate-limited', retryable: true, retryAfterMs: 7_000 });
    expect(error.details.status).toBe(429);
  });

  it('reads Retry-After given as an HTTP-date', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    fake.reply('POST', MESSAGES, { status: 429, headers: { 'retry-after': at.toUTCString() } });
    const error = await failureOf(call('send_message'));
    expect(error.failure).toBe('rate-limited');
    // Second precision, read a moment after it was written: about two minutes, not seconds.
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(121_000);
  });

  it("makes a 400 a permanent rejection with the platform's code from a custom mapper", async () => {
    fake.reply('POST', MESSAGES, {
      status: 400,
      body: metaError(131009, '(#131009) Parameter value is not valid'),
    });
    const error = await failureOf(call('send_message', { errorMapper: metaErrorMapper }));
    expect(error).toMatchObject({
      failure: 'rejected',
      retryable: false,
      code: 'PLATFORM.REJECTED',
    });
    expect(error.details).toMatchObject({ status: 400, platformCode: '131009' });
  });

  it('lets a mapper make a throttling code on a 400 retryable', async () => {
    fake.reply('POST', MESSAGES, { status: 400, body: metaError(130429, 'Rate limit hit') });
    const error = await failureOf(call('send_message', { errorMapper: metaErrorMapper }));
    expect(error).toMatchObject({ failure: 'rate-limited', retryable: true });
    expect(error.details).toMatchObject({ status: 400, platformCode: '130429' });
  });

  it('turns 401 into a permanent auth failure', async () => {
    fake.reply('POST', MESSAGES, {
      status: 401,
      body: metaError(190, 'Invalid OAuth access token'),
    });
    const error = await failureOf(call('send_message'));
    expect(error).toMatchObject({ failure: 'auth', retryable: false });
    expect(error.details).toMatchObject({ status: 401, platformCode: '190' });
  });

  it('keeps tokens, request bodies and recipients out of error messages', async () => {
    fake.reply('POST', MESSAGES, {
      status: 400,
      body: { error: { message: 'Bad recipient 15550001' } },
    });
    const error = await failureOf(
      call('send_message', {
        headers: { authorization: 'Bearer EAAG-secret' },
        query: { access_token: 'EAAG-secret' },
      }),
    );
    expect(error.message).toBe(
      'whatsapp send_message failed with HTTP 400: Bad recipient [number]',
    );
  });

  it('turns a refused connection into a retryable network failure', async () => {
    const gone = await FakeHttpServer.start();
    const baseUrl = gone.url;
    await gone.close();
    const error = await failureOf(call('send_message', { baseUrl }));
    expect(error).toMatchObject({ failure: 'network', retryable: true });
    expect(error.message).toBe('whatsapp send_message: connection failed (ECONNREFUSED)');
  });
});
