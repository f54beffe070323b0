import Fastify, { type FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import { requestIdFor } from './correlation-id';
import { loggerOptions } from './logger-options';
import { logRequests } from './request-log.hook';

describe('logRequests', () => {
  let app: FastifyInstance;
  let written: string[];
  const lines = () =>
    written
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(async () => {
    written = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const options = loggerOptions('info');
    // How nestjs-pino's Logger finds the request's logger (and its own when there is none).
    const appLogger = new PinoLogger({ pinoHttp: [options, sink] });
    app = Fastify({ genReqId: requestIdFor });
    logRequests(app, pinoHttp(options, sink));
    app.get('/orders', async () => {
      await new Promise((done) => setImmediate(done));
      appLogger.info('looked the orders up');
      return [];
    });
    app.post('/hooks', { config: { requestLog: false } }, (_request, reply) => {
      appLogger.info('stored a delivery');
      void reply.send({ received: true });
    });
    await app.ready();
  });

  afterEach(() => app.close());

  it("writes one line per response and gives the request's id to every line written while serving it", async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/orders?token=secret',
      headers: { 'x-request-id': 'req-abcdef-1' },
    });

    expect(response.statusCode).toBe(200);
    const [handlerLine, requestLine] = lines();
    expect(handlerLine).toMatchObject({
      msg: 'looked the orders up',
      req: { id: 'req-abcdef-1' },
    });
    expect(requestLine).toMatchObject({
      msg: 'request completed',
      req: { id: 'req-abcdef-1', method: 'GET', path: '/orders' },
      res: { statusCode: 200 },
    });
    expect(written.join('')).not.toContain('secret');
  });

  it('writes no request line for a route configured without one, and its lines carry no request id', async () => {
    const response = await app.inject({ method: 'POST', url: '/hooks', payload: {} });

    expect(response.statusCode).toBe(200);
    expect(lines()).toEqual([expect.objectContaining({ msg: 'stored a delivery' })]);
    expect(lines()[0]).not.toHaveProperty('req');
  });

  it('gives the work of a request its logger while it runs, and nothing it left running after', async () => {
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const fastify = Fastify();
    logRequests(fastify, pinoHttp(loggerOptions('silent'), sink));
    let releaseLingering!: () => void;
    const lingering = new Promise<void>((resolve) => (releaseLingering = resolve));
    let afterAnswer: Promise<unknown> | undefined;
    let during: unknown;
    let closed: Promise<unknown> | undefined;
    fastify.get('/work', async (request, reply) => {
      // after the hook's own 'close' listener, which ends the request's hold
      closed = new Promise((resolve) => reply.raw.once('close', resolve));
      await new Promise((resolve) => setImmediate(resolve));
      during = storage.getStore()?.logger === request.raw.log;
      afterAnswer = lingering.then(() => storage.getStore());
      return { ok: true };
    });
    const url = await fastify.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${url}/work`);
      expect(response.status).toBe(200);
      await response.text();
      expect(during).toBe(true);
      await closed;
      releaseLingering();
      expect(await afterAnswer).toBeUndefined();
    } finally {
      await fastify.close();
    }
  });
});
