import { TestingModule } from '@nestjs/testing';
import { PlatformCall } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { FakeHttpServer } from '@test/fakes/fake-http-server';
import { bootHttpClient, failureOf, sendCall } from './http-client-harness';

describe('PlatformHttpClient requests', () => {
  let moduleRef: TestingModule;
  let client: PlatformHttpClient;
  let fake: FakeHttpServer;

  beforeAll(async () => {
    fake = await FakeHttpServer.start();
    ({ moduleRef, client } = await bootHttpClient());
  });

  afterAll(async () => {
    await moduleRef?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const call = (operation: string, extra: Partial<PlatformCall> = {}) =>
    client.request(sendCall(fake, operation, extra));

  it('sends the exact request: method, path under the base prefix, query, headers and JSON body', async () => {
    fake.reply('POST', '/v21.0/:phoneNumberId/messages', {
      status: 200,
      headers: { 'x-fb-trace-id': 'trace-1' },
      body: { messages: [{ id: 'wamid.1' }] },
    });

    const response = await client.request<{ messages: { id: string }[] }>({
      hub: 'whatsapp',
      operation: 'send_message',
      baseUrl: `${fake.url}/v21.0/`,
      method: 'POST',
      path: '/1234/messages',
      query: { fields: ['id', 'status'], debug: 'all', skipped: undefined },
      headers: { Authorization: 'Bearer EAAG-token', 'X-Request-Id': 'req-42' },
      json: { messaging_product: 'whatsapp', to: '15550001', text: { body: 'olá' } },
    });

    expect(response.status).toBe(200);
    expect(response.body.messages[0].id).toBe('wamid.1');
    expect(response.headers['x-fb-trace-id']).toBe('trace-1');
    expect(fake.requests).toHaveLength(1);
    const received = fake.lastRequest();
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/v21.0/1234/messages');
    expect(received.params).toEqual({ phoneNumberId: '1234' });
    expect(received.query).toEqual({ fields: ['id', 'status'], debug: 'all' });
    expect(received.headers).toMatchObject({
      authorization: 'Bearer EAAG-token',
      'x-request-id': 'req-42',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(received.json).toEqual({
      messaging_product: 'whatsapp',
      to: '15550001',
      text: { body: 'olá' },
    });
  });

  it('sends a form body for OAuth token endpoints and reads text answers', async () => {
    fake.reply('POST', '/token', { body: 'ok' });
    const response = await client.request<string>({
      hub: 'calendar',
      operation: 'refresh_token',
      baseUrl: fake.url,
      method: 'POST',
      path: '/token',
      form: { grant_type: 'refresh_token', refresh_token: '1//r-token' },
      responseType: 'text',
    });
    expect(response.body).toBe('ok');
    const received = fake.lastRequest();
    expect(received.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received.rawBody.toString()).toBe(
      'grant_type=refresh_token&refresh_token=1%2F%2Fr-token',
    );
  });

  it('reads an empty success body as undefined', async () => {
    fake.reply('DELETE', '/v21.0/1234/messages', { status: 204 });
    const response = await call('delete_message', { method: 'DELETE', json: undefined });
    expect(response).toMatchObject({ status: 204, body: undefined });
    expect(fake.lastRequest().rawBody).toHaveLength(0);
  });

  it('treats a success answer that is not JSON as a non-retryable server failure', async () => {
    fake.reply('POST', '/v21.0/1234/messages', { body: '<html>maintenance</html>' });
    const error = await failureOf(call('send_message'));
    expect(error).toMatchObject({ failure: 'server', retryable: false });
    expect(error.message).toBe('whatsapp send_message: HTTP 200 answer is not JSON');
  });

  it('answers a redirect as a response only for a call that follows redirects itself', async () => {
    const redirect = { status: 302, headers: { location: 'https://edge.example.com/f' } };
    fake.reply('GET', '/v21.0/file', redirect);

    const followed = await call('download_media', {
      method: 'GET',
      path: '/file',
      json: undefined,
      responseType: 'stream',
      returnRedirects: true,
    });
    expect(followed.status).toBe(302);
    expect(followed.headers.location).toBe('https://edge.example.com/f');

    const error = await failureOf(
      call('download_media', { method: 'GET', path: '/file', json: undefined }),
    );
    expect(error.details.status).toBe(302);
  });

  it('reuses one keep-alive connection for sequential calls to one origin', async () => {
    // A server of its own: the shared fake may still hold a kept-alive socket from earlier tests.
    const origin = await FakeHttpServer.start();
    try {
      origin.reply('POST', '/v21.0/1234/messages', { body: { ok: true } });
      for (let i = 0; i < 5; i += 1) {
        await call('send_message', { baseUrl: `${origin.url}/v21.0` });
        // undici marks a socket free again a few microtasks after the body is read; a call
        // issued in that same tick would open a second socket. Real calls are never that close.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(origin.requests).toHaveLength(5);
      expect(origin.connectionCount).toBe(1);
    } finally {
      await origin.close();
    }
  });
});

describe('PlatformHttpModule shutdown', () => {
  it('closes the shared agent, so later calls fail as network errors', async () => {
    const fake = await FakeHttpServer.start();
    fake.reply('GET', '/ping', { body: { ok: true } });
    const { moduleRef, client } = await bootHttpClient();
    const ping = () =>
      client.request({
        hub: 'bitrix',
        operation: 'ping',
        baseUrl: fake.url,
        method: 'GET',
        path: '/ping',
      });
    try {
      await expect(ping()).resolves.toMatchObject({ status: 200 });
      await moduleRef.close();
      const error = await failureOf(ping());
      expect(error.failure).toBe('network');
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
