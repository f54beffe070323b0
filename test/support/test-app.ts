import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { AppConfig } from '@config/app-config';
import { loadConfig } from '@config/load-config';
import { createApp } from '@app/app.factory';
import { TEST_ADMIN_KEY, TEST_METRICS_TOKEN } from './test-env';

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The production app (same factory as main.ts) on this run's database, ready for inject(). */
export async function createTestApp(
  overrides: Record<string, string> = {},
  extraModules: Type[] = [],
): Promise<NestFastifyApplication> {
  // prom-client's registry is process-global: each app in a suite starts from zero counts.
  register.resetMetrics();
  const app = await createApp(testConfig(overrides), extraModules);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Two app instances (pods) on one database and Redis, started before the suite's tests and
 * closed after them, for what one pod does that the other must see. `env` applies to both.
 */
export function twoPods(env: Record<string, string>): {
  readonly a: NestFastifyApplication;
  readonly b: NestFastifyApplication;
} {
  const pods: NestFastifyApplication[] = [];
  beforeAll(async () => {
    pods.push(await createTestApp(env));
    pods.push(await createTestApp(env));
  });
  afterAll(async () => {
    for (const pod of pods) await pod.close();
  });
  return {
    get a() {
      return pods[0];
    },
    get b() {
      return pods[1];
    },
  };
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
/** What Prometheus sends to GET /metrics. */
export const metricsHeaders = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };

export interface TestTenant {
  id: string;
  apiKey: string;
  apiKeyId: string;
  headers: { authorization: string };
}

let tenantCounter = 0;

/** Creates a tenant through the admin API and returns its first key. */
export async function createTenant(
  app: NestFastifyApplication,
  name?: string,
): Promise<TestTenant> {
  tenantCounter += 1;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v2/tenants',
    headers: adminHeaders,
    payload: { name: name ?? `Tenant ${process.pid}-${Date.now()}-${tenantCounter}` },
  });
  if (response.statusCode !== 201) throw new Error(`tenant creation failed: ${response.body}`);
  const body = response.json<{ tenant: { id: string }; apiKey: { id: string; key: string } }>();
  return {
    id: body.tenant.id,
    apiKey: body.apiKey.key,
    apiKeyId: body.apiKey.id,
    headers: { authorization: `Bearer ${body.apiKey.key}` },
  };
}
