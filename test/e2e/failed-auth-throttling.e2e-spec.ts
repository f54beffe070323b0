import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

const LIMIT = 5;
const WINDOW_SECONDS = 120;
const SETTINGS = {
  AUTH_FAILURE_LIMIT: String(LIMIT),
  AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
};
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A well-formed key nobody issued; `prefix` fixes its visible prefix. */
function wrongKey(prefix = 'ohk_'): string {
  let key = prefix;
  for (const byte of randomBytes(36 - prefix.length)) key += BASE62[byte % 62];
  return key;
}

/** Documentation addresses (RFC 5737), one per test so buckets never meet. */
let nextHost = 1;
const freshAddress = () => `203.0.113.${nextHost++}`;

describe('Failed authentications are throttled per address and per key prefix', () => {
  let app: NestFastifyApplication;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    app = await createTestApp(SETTINGS);
    [acme, globex] = await Promise.all([createTenant(app), createTenant(app)]);
  });

  afterAll(async () => {
    await app.close();
  });

  /** GET /api/v2/tenant as `key` from `address`, behind the (trusted, loopback) proxy. */
  const me = (key: string, address: string, on = app, options: { remoteAddress?: string } = {}) =>
    on.inject({
      method: 'GET',
      url: '/api/v2/tenant',
      headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': address },
      ...options,
    });

  const failLimitTimes = async (address: string, key: () => string) => {
    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      expect((await me(key(), address)).statusCode).toBe(401);
    }
  };

  it('answers 429 problem+json with Retry-After once an address has failed LIMIT times', async () => {
    const address = freshAddress();
    await failLimitTimes(address, () => wrongKey());

    const limited = await me(wrongKey(), address);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json().code).toBe('AUTH.TOO_MANY_FAILURES');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);

    // Someone else's guessing from the same address (a NAT, an office) locks out no valid key.
    const valid = await me(acme.apiKey, address);
    expect(valid.statusCode).toBe(200);
    expect(valid.json().id).toBe(acme.id);
  });

  it('refuses the attacked key prefix from that address, before checking it, and nothing else', async () => {
    const address = freshAddress();
    const attacked = acme.apiKey.slice(0, 12);
    await failLimitTimes(address, () => wrongKey(attacked));

    // Even the real key of that prefix: the pair is refused without being looked at.
    const sameKeyHere = await me(acme.apiKey, address);
    expect(sameKeyHere.statusCode).toBe(429);
    expect(sameKeyHere.json().code).toBe('AUTH.TOO_MANY_FAILURES');
    expect(Number(sameKeyHere.headers['retry-after'])).toBeGreaterThan(0);
    // Another prefix from the same address, and the same key from elsewhere, are untouched.
    expect((await me(globex.apiKey, address)).statusCode).toBe(200);
    expect((await me(acme.apiKey, freshAddress())).statusCode).toBe(200);
  });

  it('shares the counts between app instances through Redis', async () => {
    const address = freshAddress();
    await failLimitTimes(address, () => wrongKey());
    const second = await createTestApp(SETTINGS);
    try {
      const response = await me(wrongKey(), address, second);
      expect(response.statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    // A client on the internet cannot pick a fresh address per attempt with the header.
    const remoteAddress = '198.51.100.20';
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= LIMIT; attempt += 1) {
      statuses.push((await me(wrongKey(), freshAddress(), app, { remoteAddress })).statusCode);
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
  });
});
