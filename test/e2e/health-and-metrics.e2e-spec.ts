import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { adminHeaders, createTenant, createTestApp, metricsHeaders } from '@test/support/test-app';

/** A port nobody listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Health probes and metrics', () => {
  describe('with PostgreSQL and Redis up', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await createTestApp();
    });

    afterAll(async () => {
      await app.close();
    });

    it('is live and ready', async () => {
      const live = await app.inject({ method: 'GET', url: '/health/live' });
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(live.statusCode).toBe(200);
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({
        status: 'ok',
        details: {
          postgres: { status: 'up' },
          redis: { status: 'up' },
          lifecycle: { status: 'up' },
        },
      });
    });

    it('exposes the HTTP histogram by method, route template and status after a request', async () => {
      await app.inject({
        method: 'GET',
        url: '/api/v2/tenants/01900000-0000-7000-8000-000000000000',
        headers: adminHeaders,
      });
      const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/v2\/tenants\/:id",status_code="404"\} 1/,
      );
      expect(metrics.body).toContain('process_resident_memory_bytes');
      expect(metrics.body).toContain('nodejs_eventloop_lag_seconds');
    });

    it('counts requests rejected before a handler runs, under one label for unknown routes', async () => {
      await app.inject({ method: 'GET', url: '/api/v2/tenants' });
      // A path no metric value can contain by chance (a number did: a heap size held "12345").
      await app.inject({ method: 'GET', url: '/no/such/route/unmatched-path-probe' });
      const metrics = (
        await app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders })
      ).body;
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/v2\/tenants",status_code="401"\} 1/,
      );
      expect(metrics).toMatch(/route="unmatched",status_code="404"/);
      expect(metrics).not.toContain('unmatched-path-probe');
    });

    it('refuses /metrics without the metrics token, or with any other credential', async () => {
      const tenant = await createTenant(app);
      for (const headers of [{}, adminHeaders, tenant.headers, { authorization: 'Bearer nope' }]) {
        const response = await app.inject({ method: 'GET', url: '/metrics', headers });
        expect(response.statusCode).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json().code).toBe('METRICS.TOKEN_REQUIRED');
        expect(response.body).not.toContain('http_request_duration_seconds');
      }
    });

    it('serves Swagger UI and an OpenAPI document with every route and both auth schemes', async () => {
      const ui = await app.inject({ method: 'GET', url: '/api/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      const doc = (await app.inject({ method: 'GET', url: '/api/docs-json' })).json();
      expect(Object.keys(doc.components.securitySchemes)).toEqual(
        expect.arrayContaining(['bearer', 'api-key']),
      );
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v2/tenants',
          '/api/v2/tenants/{id}',
          '/api/v2/api-keys',
          '/api/v2/api-keys/{id}',
          '/api/v2/tenant',
          '/health/ready',
        ]),
      );
      expect(doc.components.schemas.CreateTenantDto.properties.name.example).toBe('Acme Dental');
      expect(doc.paths['/api/v2/tenants'].post.responses['400'].content).toHaveProperty([
        'application/problem+json',
      ]);
    });

    it('documents Idempotency-Key, the replay header and the 422 on every send route', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/docs-json' })).json();
      for (const path of [
        '/api/v2/messages',
        '/api/v2/whatsapp/send/text',
        '/api/v2/whatsapp/messages/image',
        '/api/v2/whatsapp/messages/video',
        '/api/v2/whatsapp/messages/document',
        '/api/v2/whatsapp/messages/template',
      ]) {
        const post = doc.paths[path].post;
        const header = post.parameters.find(
          (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
        );
        expect({ path, header: header?.schema }).toEqual({
          path,
          header: expect.objectContaining({ type: 'string', minLength: 1, maxLength: 255 }),
        });
        expect(header.description).toMatch(/REQUEST\.IDEMPOTENCY_KEY_REUSED/);
        expect(post.responses['202'].headers).toHaveProperty('Idempotent-Replayed');
        expect(post.responses['422'].content).toHaveProperty(['application/problem+json']);
      }
    });
  });

  describe('with no METRICS_TOKEN, and DOCS_TOKEN set', () => {
    const DOCS_TOKEN = 'test-docs-token-0123456789abcdefghijklmnop';
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await createTestApp({ METRICS_TOKEN: '', DOCS_TOKEN });
    });

    afterAll(async () => {
      await app.close();
    });

    it('refuses /metrics to everyone rather than serving it openly', async () => {
      for (const headers of [{}, metricsHeaders, adminHeaders]) {
        const response = await app.inject({ method: 'GET', url: '/metrics', headers });
        expect(response.statusCode).toBe(403);
        expect(response.json().code).toBe('METRICS.DISABLED');
      }
    });

    it('serves the docs only with the docs token, as Bearer or as Basic password', async () => {
      const basic = `Basic ${Buffer.from(`anyone:${DOCS_TOKEN}`).toString('base64')}`;
      for (const url of ['/api/docs', '/api/docs-json']) {
        for (const headers of [{}, adminHeaders, { authorization: 'Basic YTpi' }]) {
          const refused = await app.inject({ method: 'GET', url, headers });
          expect(refused.statusCode).toBe(401);
          expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(refused.json().code).toBe('DOCS.TOKEN_REQUIRED');
          expect(refused.headers['www-authenticate']).toMatch(/^Basic realm=/);
        }
        for (const authorization of [`Bearer ${DOCS_TOKEN}`, basic]) {
          const served = await app.inject({ method: 'GET', url, headers: { authorization } });
          expect(served.statusCode).toBe(200);
        }
      }
    });

    it('leaves the API and health probes as they were', async () => {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const tenants = await app.inject({
        method: 'GET',
        url: '/api/v2/tenants',
        headers: adminHeaders,
      });
      expect(tenants.statusCode).toBe(200);
    });
  });

  describe('with SWAGGER_ENABLED unset', () => {
    it('serves no docs: they are opt-in', async () => {
      const app = await createTestApp({ SWAGGER_ENABLED: '' });
      try {
        for (const url of ['/api/docs', '/api/docs-json']) {
          expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
        }
      } finally {
        await app.close();
      }
    });
  });

  describe('with Redis unreachable', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    });

    afterAll(async () => {
      await app.close();
    });

    it('stays live but answers readiness with 503 naming Redis', async () => {
      const live = await app.inject({ method: 'GET', url: '/health/live' });
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(live.statusCode).toBe(200);
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'error',
        error: { redis: { status: 'down' } },
        details: { postgres: { status: 'up' } },
      });
    });

    it('still serves the API: rate limiting fails open instead of failing every request', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v2/tenants',
        headers: adminHeaders,
      });
      expect(response.statusCode).toBe(200);
    });
  });
});
