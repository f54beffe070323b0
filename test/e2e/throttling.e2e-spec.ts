import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

describe('Per-tenant rate limiting', () => {
  let app: NestFastifyApplication;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    app = await createTestApp({ THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' });
    [acme, globex] = await Promise.all([createTenant(app), createTenant(app)]);
  });

  afterAll(async () => {
    await app.close();
  });

  const me = (tenant: TestTenant) =>
    app.inject({ method: 'GET', url: '/api/v2/tenant', headers: tenant.headers });

  it('answers 429 problem+json with Retry-After once a tenant spends its budget, across routes', async () => {
    expect((await me(acme)).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v2/api-keys', headers: acme.headers }))
        .statusCode,
    ).toBe(200);
    expect((await me(acme)).statusCode).toBe(200);

    const limited = await me(acme);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMIT.EXCEEDED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("does not spend one tenant's budget on another", async () => {
    expect((await me(globex)).statusCode).toBe(200);
  });

  it('shares the budget between app instances through Redis', async () => {
    const second = await createTestApp({ THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' });
    try {
      const response = await second.inject({
        method: 'GET',
        url: '/api/v2/tenant',
        headers: acme.headers,
      });
      expect(response.statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });
});
