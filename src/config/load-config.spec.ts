import { InvalidConfigError, loadConfig } from './load-config';
import { AppRole } from './env.schema';

const VALID = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/omnihub',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ADMIN_API_KEY: 'a'.repeat(40),
  SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('applies documented defaults to a minimal environment', () => {
    const config = loadConfig(VALID);
    expect(config.role).toBe(AppRole.All);
    expect(config.http.port).toBe(3000);
    expect(config.throttle).toEqual({ ttlSeconds: 60, limit: 600 });
    expect(config.resilience.breakers.whatsapp).toEqual({
      failureThreshold: 5,
      halfOpenAfterMs: 30_000,
    });
    expect(config.resilience.breakers.calendar).toEqual({
      failureThreshold: 3,
      halfOpenAfterMs: 60_000,
    });
    expect(config.runsApi && config.runsWorkers).toBe(true);
  });

  it('defaults to closed surfaces: no docs, no metrics, proxies trusted only on private networks', () => {
    const config = loadConfig(VALID);
    expect(config.http.swaggerEnabled).toBe(false);
    expect(config.http.metricsToken).toBeUndefined();
    expect(config.http.docsToken).toBeUndefined();
    expect(config.http.trustProxy).toBe('loopback,linklocal,uniquelocal');
    expect(config.auth.jwt.maxAgeSeconds).toBe(86_400);
    expect(config.auth.failures).toEqual({ limit: 20, windowSeconds: 300 });
  });

  it('reads TRUST_PROXY as false, a hop count or a list, and refuses anything else', () => {
    const trust = (value: string) => loadConfig({ ...VALID, TRUST_PROXY: value }).http.trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('10.0.0.0/8, 192.168.1.7,::1')).toBe('10.0.0.0/8, 192.168.1.7,::1');
    for (const value of ['true', 'everyone', '10.0.0.0/8;rm']) {
      expect(problemsOf({ ...VALID, TRUST_PROXY: value })[0]).toMatch(/^TRUST_PROXY=.* is invalid/);
    }
  });

  it('names a missing required variable', () => {
    const { DATABASE_URL: _omitted, ...env } = VALID;
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL is missing/);
  });

  it('names every invalid variable with its value', () => {
    const problems = problemsOf({ ...VALID, PORT: 'eighty', APP_ROLE: 'both' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT="eighty" is invalid/),
        expect.stringMatching(/^APP_ROLE="both" is invalid/),
      ]),
    );
  });

  it('never prints the value of a secret it rejects', () => {
    const problems = problemsOf({ ...VALID, ADMIN_API_KEY: 'short-secret' });
    expect(problems[0]).toMatch(/^ADMIN_API_KEY=\(hidden\) is invalid/);
    expect(problems.join()).not.toContain('short-secret');
  });

  it('treats empty strings as unset, so .env files may leave optional values blank', () => {
    const config = loadConfig({ ...VALID, JWT_SECRET: '', PORT: '' });
    expect(config.auth.jwt.secret).toBeUndefined();
    expect(config.http.port).toBe(3000);
  });

  it('parses booleans and numbers from strings', () => {
    const config = loadConfig({
      ...VALID,
      SWAGGER_ENABLED: 'false',
      DATABASE_SSL: 'true',
      THROTTLE_LIMIT: '5',
    });
    expect(config.http.swaggerEnabled).toBe(false);
    expect(config.database.ssl).toBe(true);
    expect(config.throttle.limit).toBe(5);
  });

  it('rejects a secrets key ring that is not keyId:base64(32 bytes)', () => {
    expect(problemsOf({ ...VALID, SECRETS_KEYS: 'k1:c2hvcnQ=' })[0]).toMatch(
      /^SECRETS_KEYS=\(hidden\) is invalid/,
    );
  });

  it('takes media link allow-list entries as lower-case host names, never IP addresses', () => {
    const config = loadConfig({ ...VALID, OUTBOUND_URL_ALLOWLIST: 'media.corp.example,minio' });
    expect([...config.outboundHttp.allowedHosts]).toEqual(['media.corp.example', 'minio']);
    expect(loadConfig(VALID).outboundHttp.allowedHosts.size).toBe(0);
    for (const value of [
      '10.0.0.5',
      'media.example,127.0.0.1',
      'Media.Example',
      'a..b',
      '*.example',
    ]) {
      expect(problemsOf({ ...VALID, OUTBOUND_URL_ALLOWLIST: value })[0]).toMatch(
        /^OUTBOUND_URL_ALLOWLIST=.* is invalid/,
      );
    }
  });

  it('refuses the allow-list under its earlier name instead of ignoring it', () => {
    expect(problemsOf({ ...VALID, MEDIA_LINK_ALLOWED_HOSTS: 'minio' })[0]).toMatch(
      /^MEDIA_LINK_ALLOWED_HOSTS=.* is invalid: .*renamed OUTBOUND_URL_ALLOWLIST/,
    );
  });
});
