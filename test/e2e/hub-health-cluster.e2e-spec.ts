import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';
import { loadConfig } from '@config/load-config';
import { dataSourceOptions } from '@app/data-source';
import { newId } from '@core/database/ids';
import { withDatabase } from '@core/database/postgres-options';
import { dropDatabase, ensureDatabase, runMigrations } from '@core/database/prepare-database';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { PodIdentity } from '@core/resilience/pod-identity';
import { eventually } from '@test/support/eventually';
import { createTenant, createTestApp, TestTenant, twoPods } from '@test/support/test-app';

const serverError = () =>
  new PlatformError('whatsapp', 'send_message', 'server', 'Upstream answered 502', { status: 502 });

/**
 * Two app instances (pods) on one Redis and database: circuits live in each pod's memory, but
 * the hub routes answer for the cluster, and a reset on one pod closes the circuit on all.
 */
describe('Hub circuits across pods', () => {
  let tenant: TestTenant;
  let accountId: string;
  const pods = twoPods({
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}hub-${newId()}`,
    CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
    CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '600000',
  });

  beforeAll(async () => {
    tenant = await createTenant(pods.a);
    accountId = newId();
    await pods.a.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
           VALUES ($1, $2, 'whatsapp', 'meta-cloud', 'pod-test', $3, 'unused')`,
      [accountId, tenant.id, `ext-${accountId}`],
    );
  });

  const key = () => ({ hub: 'whatsapp', provider: 'meta-cloud', account: accountId });
  const statusOn = async (pod: NestFastifyApplication) => {
    const response = await pod.inject({
      method: 'GET',
      url: '/api/v2/hub/circuit-breaker/status',
      headers: tenant.headers,
    });
    return response.json<{ account: string; state: string; pods: { pod: string }[] }[]>();
  };

  it("shows on pod A the circuit pod B opened, and pod A's reset closes it on pod B", async () => {
    const breakersB = pods.b.get(CircuitBreakerRegistry);
    for (let i = 0; i < 2; i++) {
      await expect(breakersB.execute(key(), () => Promise.reject(serverError()))).rejects.toThrow();
    }
    expect(breakersB.state(key())).toBe('open');

    await eventually(async () =>
      expect(await statusOn(pods.a)).toEqual([
        expect.objectContaining({
          account: accountId,
          state: 'open',
          pods: [expect.objectContaining({ pod: pods.b.get(PodIdentity).id })],
        }),
      ]),
    );
    const health = await pods.a.inject({
      method: 'GET',
      url: '/api/v2/hub/health/whatsapp',
      headers: tenant.headers,
    });
    const accounts = health
      .json<{ providers: { accounts: { id: string; status: string }[] }[] }>()
      .providers.flatMap((provider) => provider.accounts);
    expect(accounts).toEqual([expect.objectContaining({ id: accountId, status: 'down' })]);

    const reset = await pods.a.inject({
      method: 'POST',
      url: '/api/v2/hub/circuit-breaker/whatsapp/reset',
      headers: tenant.headers,
      payload: {},
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual({ reset: [key()] });

    await eventually(() => Promise.resolve(expect(breakersB.state(key())).toBe('closed')));
    await eventually(async () =>
      expect(await statusOn(pods.a)).toEqual([
        expect.objectContaining({ account: accountId, state: 'closed' }),
      ]),
    );
  });
});

describe('Readiness and the schema', () => {
  const behind = `${loadConfig(process.env).database.url.split('/').pop()!.split('?')[0]}_behind`;
  const url = withDatabase(loadConfig(process.env).database.url, behind);
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await dropDatabase(url);
    await ensureDatabase(url);
    const { database } = loadConfig({ ...process.env, DATABASE_URL: url });
    await runMigrations({ ...dataSourceOptions(database), migrations: MIGRATIONS.slice(0, -1) });
    app = await createTestApp({ DATABASE_URL: url });
  });

  afterAll(async () => {
    await app.close();
    await dropDatabase(url);
  });

  it('is not ready while a migration of this build is pending, and ready once applied', async () => {
    const pending = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(pending.statusCode).toBe(503);
    expect(pending.json()).toMatchObject({
      status: 'error',
      error: { migrations: { status: 'down', message: 'migrations pending' } },
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });

    const { database } = loadConfig({ ...process.env, DATABASE_URL: url });
    await runMigrations(dataSourceOptions(database));
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
  });
});
