import { randomBytes } from 'node:crypto';
import {
  BENCH_DATABASE_POOL_SIZE,
  type BenchEnvironment,
  prepareBenchEnvironment,
} from '../support/environment';
import { type RunningServer, startServer } from '@test/support/server-process';
import { omnihubEntry } from '../support/compiled-app';
import { cpuProfileEnv } from '../support/cpu-profile';
import { HistoryLoader } from './bulk-load';

/**
 * One Omnihub (api role; the compiled build of src/main.ts unless BENCH_APP=ts) on a database
 * of its own, with the measured tenant created through the admin API and the bulk loader ready
 * on the same database.
 */
export interface Deployment {
  name: string;
  environment: BenchEnvironment;
  server: RunningServer;
  tenantId: string;
  /** The measured tenant's API key, as the frontend sends it. */
  headers: Record<string, string>;
  loader: HistoryLoader;
  /** The server's SECRETS_KEYS: the encryption comparison seals stored messages with it. */
  secretsKeys: string;
  stop(): Promise<void>;
}

export async function startDeployment(name: string): Promise<Deployment> {
  const adminKey = randomBytes(24).toString('hex');
  const environment = await prepareBenchEnvironment();
  const secretsKeys = `bench:${randomBytes(32).toString('base64')}`;
  let server: RunningServer | undefined;
  let loader: HistoryLoader | undefined;
  try {
    const app = omnihubEntry();
    server = await startServer(name, app.entry, {
      DATABASE_URL: environment.databaseUrl,
      REDIS_URL: environment.redisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
      APP_ROLE: 'api',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ADMIN_API_KEY: adminKey,
      SECRETS_KEYS: secretsKeys,
      // The per-tenant budget stays on the request path, but high enough never to answer 429.
      THROTTLE_LIMIT: '1000000000',
      ...app.env,
      ...cpuProfileEnv(),
    });
    const tenant = await createTenant(server, adminKey);
    loader = await HistoryLoader.open(environment.databaseUrl);
    await loader.createTenants(tenant.id);
    const [running, opened] = [server, loader];
    return {
      name,
      environment,
      server,
      tenantId: tenant.id,
      headers: { authorization: `Bearer ${tenant.apiKey}` },
      loader,
      secretsKeys,
      async stop() {
        await opened.close();
        await running.stop();
        await environment.dispose();
      },
    };
  } catch (error) {
    await loader?.close();
    await server?.stop();
    await environment.dispose();
    throw error;
  }
}

async function createTenant(
  server: RunningServer,
  adminKey: string,
): Promise<{ id: string; apiKey: string }> {
  const response = await fetch(`${server.url}/api/v2/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'History bench' }),
  });
  if (response.status !== 201) {
    throw new Error(`tenant creation answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { tenant: { id: string }; apiKey: { key: string } };
  return { id: body.tenant.id, apiKey: body.apiKey.key };
}
