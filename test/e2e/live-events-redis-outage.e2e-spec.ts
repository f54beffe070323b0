import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { TcpProxy, proxiedUrl, startTcpProxyFor } from '@test/support/tcp-proxy';
import { eventually } from '@test/support/eventually';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

/**
 * The live stream keeps its position, its connection count and its tickets in Redis. With
 * Redis unreachable a stream cannot be opened honestly: the client is told to come back
 * (503 with Retry-After, as EventSource-style reconnecting clients expect), never a 500.
 */
describe('Live events while Redis is unreachable', () => {
  let app: NestFastifyApplication;
  let proxy: TcpProxy;
  let tenant: TestTenant;

  beforeAll(async () => {
    proxy = await startTcpProxyFor(process.env.REDIS_URL!);
    app = await createTestApp({
      APP_ROLE: 'api',
      REDIS_URL: proxiedUrl(process.env.REDIS_URL!, proxy),
    });
    tenant = await createTenant(app);
  });

  afterAll(async () => {
    await proxy?.restore();
    await app?.close();
    await proxy?.close();
  });

  const expectUnavailable = (response: {
    statusCode: number;
    headers: Record<string, unknown>;
    json: () => { code?: string; status?: number };
  }) => {
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ status: 503, code: 'LIVE_EVENTS.UNAVAILABLE' });
  };

  it('answers 503 problem+json with Retry-After to a stream, a ticket and a ticket redemption, then recovers', async () => {
    await proxy.cut();

    expectUnavailable(
      await app.inject({ method: 'GET', url: '/api/v2/events/stream', headers: tenant.headers }),
    );
    expectUnavailable(
      await app.inject({
        method: 'POST',
        url: '/api/v2/events/tickets',
        headers: tenant.headers,
        payload: {},
      }),
    );
    expectUnavailable(
      await app.inject({
        method: 'GET',
        url: `/api/v2/events/stream?ticket=${randomBytes(32).toString('base64url')}`,
      }),
    );

    await proxy.restore();
    const ticket = await eventually(async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v2/events/tickets',
        headers: tenant.headers,
        payload: {},
      });
      expect(response.statusCode).toBe(201);
      return response.json<{ ticket: string }>().ticket;
    });
    expect(ticket).toEqual(expect.any(String));
  });
});
