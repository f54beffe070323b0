import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { adminHeaders, createTenant, createTestApp, TestTenant } from '@test/support/test-app';
import { TEST_JWT_SECRET } from '@test/support/test-env';

function jwtFor(claims: Record<string, unknown>, secret = TEST_JWT_SECRET, expiresIn = '5m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describe('Authentication and tenant scoping', () => {
  let app: NestFastifyApplication;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    app = await createTestApp();
    [acme, globex] = await Promise.all([createTenant(app, 'Acme'), createTenant(app, 'Globex')]);
  });

  afterAll(async () => {
    await app.close();
  });

  const me = (headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: '/api/v2/tenant', headers });

  it('accepts a tenant key as Bearer and as X-Api-Key', async () => {
    const bearer = await me(acme.headers);
    const header = await me({ 'x-api-key': acme.apiKey });
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json().id).toBe(acme.id);
    expect(header.statusCode).toBe(200);
    expect(header.json().id).toBe(acme.id);
  });

  it('answers 401 problem+json without credentials or with an unknown key', async () => {
    const missing = await me({});
    const unknown = await me({ authorization: 'Bearer ohk_00000000000000000000000000000000' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().code).toBe('AUTH.UNAUTHENTICATED');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('AUTH.INVALID_API_KEY');
  });

  it('stops accepting a key once it is revoked', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/api-keys',
      headers: acme.headers,
      payload: { name: 'short-lived' },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    expect((await me({ authorization: `Bearer ${key}` })).statusCode).toBe(200);

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v2/api-keys/${id}`,
      headers: acme.headers,
    });
    expect(revoked.statusCode).toBe(204);
    const after = await me({ authorization: `Bearer ${key}` });
    expect(after.statusCode).toBe(401);
    expect((await me(acme.headers)).statusCode).toBe(200);
  });

  it("answers 404 for another tenant's key, and leaves it alive", async () => {
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/v2/api-keys/${globex.apiKeyId}`,
      headers: acme.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('API_KEY.NOT_FOUND');
    expect((await me(globex.headers)).statusCode).toBe(200);
  });

  it("lists only the caller's own keys", async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/api-keys',
      headers: globex.headers,
    });
    const ids = response.json().items.map((key: { id: string }) => key.id);
    expect(ids).toContain(globex.apiKeyId);
    expect(ids).not.toContain(acme.apiKeyId);
  });

  it('keeps admin routes for the admin key and tenant routes for tenants', async () => {
    const asTenant = await app.inject({
      method: 'GET',
      url: '/api/v2/tenants',
      headers: acme.headers,
    });
    const asAdmin = await me(adminHeaders);
    expect(asTenant.statusCode).toBe(403);
    expect(asTenant.json().code).toBe('AUTH.FORBIDDEN');
    expect(asAdmin.statusCode).toBe(403);
  });

  it('rejects every key of a suspended tenant until it is reactivated', async () => {
    const initech = await createTenant(app, 'Initech');
    const suspend = (status: string) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v2/tenants/${initech.id}`,
        headers: adminHeaders,
        payload: { status },
      });
    expect((await suspend('suspended')).statusCode).toBe(200);
    expect((await me(initech.headers)).statusCode).toBe(401);
    expect((await suspend('active')).statusCode).toBe(200);
    expect((await me(initech.headers)).statusCode).toBe(200);
  });

  it('pages through tenants with an opaque cursor, each exactly once', async () => {
    await Promise.all([1, 2, 3].map((n) => createTenant(app, `Paged ${n}`)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await app.inject({
        method: 'GET',
        url: `/api/v2/tenants?limit=2${query}`,
        headers: adminHeaders,
      });
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((t: { id: string }) => t.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([acme.id, globex.id]));
    expect([...seen].sort()).toEqual(seen);
  });

  it('refuses a tampered cursor with 400 naming the field', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/api/v2/tenants?cursor=bm9wZQ',
      headers: adminHeaders,
    });
    expect(page.statusCode).toBe(400);
    expect(page.json().errors).toEqual([
      { field: 'cursor', message: 'cursor is not one this API issued' },
    ]);
  });

  describe('JWT', () => {
    it('accepts a valid HS256 token carrying the tenant claim', async () => {
      const token = await jwtFor({ tenant_id: acme.id, sub: 'user-1' });
      const response = await me({ authorization: `Bearer ${token}` });
      expect(response.statusCode).toBe(200);
      expect(response.json().id).toBe(acme.id);
    });

    it('rejects a token signed with another secret, an expired one, and one without the claim', async () => {
      const forged = await jwtFor(
        { tenant_id: acme.id },
        'another-secret-0123456789abcdefghijklmnop',
      );
      const expired = await jwtFor({ tenant_id: acme.id }, TEST_JWT_SECRET, '-1m');
      const unclaimed = await jwtFor({ sub: 'user-1' });
      for (const token of [forged, expired, unclaimed]) {
        const response = await me({ authorization: `Bearer ${token}` });
        expect(response.statusCode).toBe(401);
        expect(response.json().code).toBe('AUTH.INVALID_TOKEN');
      }
    });

    it('rejects a token naming a tenant that does not exist', async () => {
      const token = await jwtFor({ tenant_id: '01900000-0000-7000-8000-000000000000' });
      expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
    });

    it("scopes a JWT caller to its tenant: it lists its own keys, not another tenant's", async () => {
      const token = await jwtFor({ tenant_id: acme.id });
      const response = await app.inject({
        method: 'GET',
        url: '/api/v2/api-keys',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      const ids = response.json().items.map((key: { id: string }) => key.id);
      expect(ids).toContain(acme.apiKeyId);
      expect(ids).not.toContain(globex.apiKeyId);
    });

    it('may not create or revoke API keys: 403 AUTH.CREDENTIAL_NOT_ACCEPTED, key unchanged', async () => {
      const headers = { authorization: `Bearer ${await jwtFor({ tenant_id: acme.id })}` };
      const created = await app.inject({
        method: 'POST',
        url: '/api/v2/api-keys',
        headers,
        payload: { name: 'minted by a browser session' },
      });
      const revoked = await app.inject({
        method: 'DELETE',
        url: `/api/v2/api-keys/${acme.apiKeyId}`,
        headers,
      });
      for (const response of [created, revoked]) {
        expect(response.statusCode).toBe(403);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json().code).toBe('AUTH.CREDENTIAL_NOT_ACCEPTED');
      }
      expect((await me(acme.headers)).statusCode).toBe(200);
      const keys = await app.inject({ method: 'GET', url: '/api/v2/api-keys', headers });
      expect(keys.json().items.map((key: { name: string }) => key.name)).not.toContain(
        'minted by a browser session',
      );
    });

    it('rejects a token without exp, and one living longer than JWT_MAX_AGE_SECONDS', async () => {
      const key = new TextEncoder().encode(TEST_JWT_SECRET);
      const forever = await new SignJWT({ tenant_id: acme.id })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .sign(key);
      const yearLong = await jwtFor({ tenant_id: acme.id }, TEST_JWT_SECRET, '365d');
      for (const token of [forever, yearLong]) {
        const response = await me({ authorization: `Bearer ${token}` });
        expect(response.statusCode).toBe(401);
        expect(response.json().code).toBe('AUTH.INVALID_TOKEN');
      }
    });
  });
});
