import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminHeaders, createTestApp } from '@test/support/test-app';

describe('Tenants and API keys', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('creates a tenant with the admin key and returns its first API key once', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/tenants',
      headers: adminHeaders,
      payload: { name: 'Clínica Sorriso', slug: `sorriso-${Date.now()}` },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.tenant).toMatchObject({ name: 'Clínica Sorriso', status: 'active' });
    expect(body.apiKey.key).toMatch(/^ohk_[0-9A-Za-z]{32}$/);
    expect(body.apiKey.prefix).toBe(body.apiKey.key.slice(0, 12));

    const listed = await app.inject({
      method: 'GET',
      url: '/api/v2/api-keys',
      headers: { authorization: `Bearer ${body.apiKey.key}` },
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: body.apiKey.id, prefix: body.apiKey.prefix }),
    ]);
    expect(listed.body).not.toContain(body.apiKey.key);
  });

  it('refuses null for a field a tenant cannot be without, and still takes real changes', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/tenants',
      headers: adminHeaders,
      payload: { name: 'Clínica Nula' },
    });
    const { id } = created.json().tenant;
    for (const payload of [{ name: null }, { status: null }]) {
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/v2/tenants/${id}`,
        headers: adminHeaders,
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED' });
    }
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v2/tenants/${id}`,
      headers: adminHeaders,
      payload: { name: 'Clínica Sorriso Nova' },
    });
    expect(renamed.json()).toMatchObject({ name: 'Clínica Sorriso Nova', status: 'active' });
  });
});
