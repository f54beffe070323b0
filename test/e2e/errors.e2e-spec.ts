import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  adminHeaders,
  createTenant as createTestTenant,
  createTestApp,
} from '@test/support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('Errors as application/problem+json', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
  });

  afterAll(async () => {
    await app.close();
  });

  const createTenant = (payload: string, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/v2/tenants',
      headers: { ...adminHeaders, 'content-type': contentType, 'x-request-id': 'trace-test-0001' },
      payload,
    });

  it('names each invalid and each unknown field', async () => {
    const response = await createTenant(
      JSON.stringify({ name: 'x', slug: 'Not A Slug', plan: 'gold' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    const body = response.json();
    expect(body).toMatchObject({
      type: 'https://omnihub.dev/problems/request-validation-failed',
      title: 'Bad Request',
      status: 400,
      code: 'REQUEST.VALIDATION_FAILED',
      traceId: 'trace-test-0001',
      instance: '/api/v2/tenants',
    });
    expect(body.detail).toMatch(/^Invalid fields: /);
    for (const field of ['name', 'slug', 'plan']) expect(body.detail).toContain(field);
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'slug', 'plan']));
    expect(body.errors.find((e: { field: string }) => e.field === 'plan').message).toBe(
      'plan is not an accepted field',
    );
  });

  it('answers malformed JSON with 400 and the trace id', async () => {
    const response = await createTenant('{"name": "Acme",');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({
      code: 'REQUEST.MALFORMED_JSON',
      traceId: 'trace-test-0001',
    });
    expect(response.headers['x-request-id']).toBe('trace-test-0001');
  });

  it('answers JSON nested too deeply with 400 instead of overflowing the stack', async () => {
    const deep = '['.repeat(900) + ']'.repeat(900);
    const response = await createTenant(`{"name":${deep}}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({
      code: 'REQUEST.MALFORMED_JSON',
      detail: 'Body nests deeper than 64 levels',
    });
  });

  it('refuses a JSON array where an object is expected, in one error rather than one per item', async () => {
    const response = await createTenant(JSON.stringify(Array.from({ length: 500 }, () => 1)));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED' });
    expect(response.json().errors).toEqual([
      { field: 'body', message: 'body must be a JSON object' },
    ]);
  });

  it('refuses U+0000 and unpaired surrogates, which PostgreSQL cannot store, naming the field', async () => {
    for (const name of ['Acme\u0000Dental', 'Acme \ud83d']) {
      const response = await createTenant(JSON.stringify({ name }));
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.json().errors).toEqual([
        { field: 'name', message: 'name must not contain U+0000 or unpaired surrogates' },
      ]);
    }
    const tenant = await createTestTenant(app);
    const lookup = await app.inject({
      method: 'GET',
      url: '/api/v2/channel-accounts/line%00one',
      headers: tenant.headers,
    });
    expect(lookup.statusCode).toBe(400);
    expect(lookup.json().errors).toEqual([
      { field: 'idOrName', message: 'idOrName must not contain U+0000 or unpaired surrogates' },
    ]);
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await createTenant('name=Acme', 'application/x-www-form-urlencoded');
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers text/plain with 415 instead of treating the text as a body', async () => {
    const response = await createTenant('{"name":"Acme"}', 'text/plain');
    expect(response.statusCode).toBe(415);
  });

  it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
    const response = await createTenant(JSON.stringify({ name: 'a'.repeat(4096) }));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, code: 'REQUEST.BODY_TOO_LARGE' });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/nowhere',
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({ code: 'ROUTE.NOT_FOUND' });
  });

  it('answers a malformed id with 400 naming the parameter', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/tenants/not-a-uuid',
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
  });

  it.each([
    ['a malformed percent-encoding', '/api/v2/tenants/%FF', 400],
    ['a path parameter over the router limit', `/api/v2/tenants/${'x'.repeat(200)}`, 414],
  ])('answers %s, refused by the router itself, with problem+json', async (_, url, status) => {
    const response = await app.inject({
      method: 'GET',
      url,
      headers: { ...adminHeaders, 'x-request-id': 'trace-test-0002' },
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({ status, traceId: 'trace-test-0002' });
  });

  it('mints a request id when the caller sends none', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/nowhere',
      headers: adminHeaders,
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json().traceId).toBe(response.headers['x-request-id']);
  });
});

describe('Errors for bodies with many keys (default body limit)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const keys = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`ke${i}`, 0]));

  const createTenant = (body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/tenants',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('refuses a 70,000-key body before validation, with one short error naming the object', async () => {
    const payload = { name: 'Acme', ...keys(70_000) };
    expect(JSON.stringify(payload).length).toBeGreaterThan(800_000);
    const response = await createTenant(payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({
      code: 'REQUEST.TOO_MANY_KEYS',
      detail: 'body has 70001 keys; at most 1000 are accepted',
      errors: [{ field: 'body', message: 'body has 70001 keys; at most 1000 are accepted' }],
    });
    expect(response.body.length).toBeLessThan(1_000);
  });

  it('names a nested object with too many keys by its path', async () => {
    const response = await createTenant({ name: 'Acme', settings: { nested: keys(1_001) } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      {
        field: 'settings.nested',
        message: 'settings.nested has 1001 keys; at most 1000 are accepted',
      },
    ]);
  });

  it('lists the first 20 field errors and counts the rest', async () => {
    const response = await createTenant({ name: 'Acme', ...keys(500) });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(body.errors).toHaveLength(20);
    expect(body.errorsOmitted).toBe(480);
    expect(body.detail).toMatch(/ and 480 more$/);
    expect(response.body.length).toBeLessThan(3_000);
  });
});
