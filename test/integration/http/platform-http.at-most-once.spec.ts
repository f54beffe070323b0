import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TestingModule } from '@nestjs/testing';
import { PlatformCall } from '@core/http/platform-call';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { FakeHttpServer } from '@test/fakes/fake-http-server';
import { bootHttpClient, failureOf, sendCall } from './http-client-harness';

const MESSAGES = '/v21.0/1234/messages';
/** undici's connections per origin (createHttpAgent): one more call waits in its queue. */
const POOL_CONNECTIONS = 32;

/** A TCP server that reads a request's first bytes and then drops the connection. */
async function startDroppingServer(): Promise<{
  url: string;
  received: () => number;
  close(): Promise<void>;
}> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => {
      received += 1;
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A send the platform takes no idempotency key for (`atMostOnce`): whether a failure may be
 * repeated depends on whether the request was written. Before that (refused, queued in the
 * pool) it is the usual retryable failure; after it the outcome is unknown and never retried.
 */
describe('PlatformHttpClient calls that must happen at most once', () => {
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

  const send = (extra: Partial<PlatformCall> = {}) =>
    client.request(sendCall(fake, 'send_message', { atMostOnce: true, ...extra }));

  it('reports an answer that comes after the deadline as an unknown outcome, not retryable', async () => {
    fake.reply('POST', MESSAGES, { delayMs: 5_000, body: { messages: [{ id: 'wamid.1' }] } });
    const error = await failureOf(send({ timeoutMs: 150 }));
    expect(error).toMatchObject({ failure: 'outcome-unknown', retryable: false });
    expect(error.code).toBe('PLATFORM.OUTCOME_UNKNOWN');
    expect(error.message).toBe(
      'whatsapp send_message: no answer within 150 ms after the request was sent; the platform may have acted on it',
    );
    expect(fake.requestsTo('POST', MESSAGES)).toHaveLength(1);
  });

  it('keeps a late answer a retryable timeout for calls that may be repeated', async () => {
    fake.reply('POST', MESSAGES, { delayMs: 5_000, body: {} });
    const error = await failureOf(send({ timeoutMs: 150, atMostOnce: undefined }));
    expect(error).toMatchObject({ failure: 'timeout', retryable: true });
  });

  it('reports a connection dropped after the request was written as an unknown outcome', async () => {
    const dropping = await startDroppingServer();
    try {
      const error = await failureOf(send({ baseUrl: `${dropping.url}/v21.0` }));
      expect(error).toMatchObject({ failure: 'outcome-unknown', retryable: false });
      expect(error.message).toMatch(/connection broke \(\w+\) after the request was sent/);
      expect(dropping.received()).toBe(1);
    } finally {
      await dropping.close();
    }
  });

  it('keeps a refused connection retryable: nothing was written', async () => {
    const gone = await FakeHttpServer.start();
    const baseUrl = `${gone.url}/v21.0`;
    await gone.close();
    const error = await failureOf(send({ baseUrl }));
    expect(error).toMatchObject({ failure: 'network', retryable: true });
  });

  it('keeps a deadline that fired while the call waited for a pooled connection retryable', async () => {
    fake.reply('POST', MESSAGES, { delayMs: 5_000, body: {} });
    const holding = Array.from({ length: POOL_CONNECTIONS }, () =>
      failureOf(send({ timeoutMs: 1_500 })),
    );
    // Every connection is busy: this one waits in undici's queue past its deadline, and undici
    // aborts it when a connection frees up, before writing it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const queued = await failureOf(send({ timeoutMs: 300 }));
    expect(queued).toMatchObject({ failure: 'timeout', retryable: true });
    const held = await Promise.all(holding);
    expect(held.map((error) => error.failure)).toEqual(
      Array.from({ length: POOL_CONNECTIONS }, () => 'outcome-unknown'),
    );
    expect(fake.requestsTo('POST', MESSAGES)).toHaveLength(POOL_CONNECTIONS);
  });
});
