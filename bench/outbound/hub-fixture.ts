import { randomBytes } from 'node:crypto';
import type { MetaGraphFakeAccount } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  metaMessages,
  metaMessagesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { type RunningServer, startServer } from '@test/support/server-process';
import { omnihubEntry, type OmnihubEntry, productionNodeOptions } from '../support/compiled-app';
import { cpuProfileEnv } from '../support/cpu-profile';
import { BENCH_DATABASE_POOL_SIZE, type BenchStorage } from '../support/environment';
import type { BenchGraph } from './bench-graph';

/** The secrets one bench run gives its Omnihub processes (the api and worker must share them). */
export interface HubSecrets {
  adminKey: string;
  appSecret: string;
  secretsKeys: string;
  /** Bearer token of GET /metrics (the memory soak reads the heap there). */
  metricsToken: string;
}

export function newHubSecrets(): HubSecrets {
  return {
    adminKey: randomBytes(24).toString('hex'),
    appSecret: randomBytes(24).toString('hex'),
    secretsKeys: `bench:${randomBytes(32).toString('base64')}`,
    metricsToken: randomBytes(24).toString('hex'),
  };
}

/**
 * Environment of an Omnihub process of the bench: its database and Redis prefix, the Graph
 * fake as Meta, and a per-tenant request budget far above what the bench sends (the throttler
 * still runs, as in production, it just never refuses).
 */
export function hubEnv(
  environment: BenchStorage,
  graph: BenchGraph,
  secrets: HubSecrets,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    DATABASE_URL: environment.databaseUrl,
    DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
    REDIS_URL: environment.redisUrl,
    QUEUE_PREFIX: environment.queuePrefix,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ADMIN_API_KEY: secrets.adminKey,
    SECRETS_KEYS: secrets.secretsKeys,
    METRICS_TOKEN: secrets.metricsToken,
    META_APP_SECRET: secrets.appSecret,
    META_GRAPH_BASE_URL: graph.fake.baseUrl,
    META_GRAPH_API_VERSION: graph.fake.version,
    THROTTLE_LIMIT: '100000000',
    ...extra,
    ...hubEnvOverrides(),
  };
}

/**
 * BENCH_OUTBOUND_HUB_ENV: a JSON object of variables every Omnihub process of the benchmark
 * gets on top (e.g. `{"CHANNEL_ACCOUNT_CACHE_MS":"0"}`), to measure one knob against its default.
 */
function hubEnvOverrides(): Record<string, string> {
  const raw = process.env.BENCH_OUTBOUND_HUB_ENV;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, String(value)]));
}

/**
 * Starts one Omnihub process (the compiled build unless BENCH_APP=ts) with `env`, and its
 * role's production V8 flags unless `env` names NODE_OPTIONS itself.
 */
export function startHub(
  name: string,
  env: Record<string, string>,
  app: OmnihubEntry = omnihubEntry(),
): Promise<RunningServer> {
  const nodeOptions = env.NODE_OPTIONS ?? productionNodeOptions(env.APP_ROLE);
  return startServer(name, app.entry, { ...env, ...app.env, ...cpuProfileEnv(nodeOptions) });
}

/** A connected Cloud API number and the customers whose 24-hour window is open on it. */
export interface BenchAccount {
  id: string;
  name: string;
  phoneNumberId: string;
  tenantId: string;
  headers: { authorization: string };
  /** wa_ids (digits) of customers who wrote to this number. */
  customers: string[];
}

export interface FixtureLayout {
  accountsPerTenant: number;
  customersPerAccount: number;
}

/**
 * Tenants, numbers and open windows, set up the way a frontend and Meta would: tenants through
 * the admin API, numbers through `POST /api/v2/whatsapp/accounts`, and one signed inbound
 * webhook per customer; it returns once every conversation shows the customer's message.
 */
export async function connectAccounts(
  apiUrl: string,
  secrets: HubSecrets,
  numbers: readonly MetaGraphFakeAccount[],
  layout: FixtureLayout,
): Promise<BenchAccount[]> {
  const accounts: BenchAccount[] = [];
  for (let first = 0; first < numbers.length; first += layout.accountsPerTenant) {
    const tenant = await createTenant(apiUrl, secrets.adminKey);
    for (const number of numbers.slice(first, first + layout.accountsPerTenant)) {
      const name = `line-${number.phoneNumberId}`;
      const { id } = await call<{ id: string }>(apiUrl, 'POST', '/api/v2/whatsapp/accounts', {
        headers: tenant.headers,
        body: {
          name,
          phoneNumberId: number.phoneNumberId,
          wabaId: number.wabaId,
          accessToken: number.accessToken,
        },
        expect: 201,
      });
      const customers = Array.from(
        { length: layout.customersPerAccount },
        (_, index) => `5511${900_000_000 + accounts.length * 10_000 + index}`,
      );
      accounts.push({
        id,
        name,
        phoneNumberId: number.phoneNumberId,
        tenantId: tenant.id,
        headers: tenant.headers,
        customers,
      });
    }
  }
  await inBatches(
    accounts.flatMap((account) => account.customers.map((waId) => ({ account, waId }))),
    20,
    ({ account, waId }) =>
      customerWrites(apiUrl, secrets.appSecret, account.phoneNumberId, waId, 'Oi, tudo bem?'),
  );
  await waitForOpenWindows(apiUrl, accounts, layout.customersPerAccount);
  return accounts;
}

/** A customer's text through Meta's signed webhook. */
export function customerWrites(
  apiUrl: string,
  appSecret: string,
  phoneNumberId: string,
  waId: string,
  text: string,
): Promise<unknown> {
  const body = JSON.stringify(
    metaMessagesWebhook(
      { phoneNumberId },
      { waId, name: 'Bench Customer' },
      metaMessages.text({ from: waId, id: newWamid() }, text),
    ),
  );
  return call(apiUrl, 'POST', '/webhooks/meta', {
    headers: { 'x-hub-signature-256': signMetaWebhook(body, appSecret) },
    raw: body,
    expect: 200,
  });
}

async function createTenant(
  apiUrl: string,
  adminKey: string,
): Promise<{ id: string; headers: { authorization: string } }> {
  const created = await call<{ tenant: { id: string }; apiKey: { key: string } }>(
    apiUrl,
    'POST',
    '/api/v2/tenants',
    {
      headers: { authorization: `Bearer ${adminKey}` },
      body: { name: `Bench ${randomBytes(4).toString('hex')}` },
      expect: 201,
    },
  );
  return {
    id: created.tenant.id,
    headers: { authorization: `Bearer ${created.apiKey.key}` },
  };
}

/** Polls each tenant's conversation list until every customer's inbound message is in it. */
async function waitForOpenWindows(
  apiUrl: string,
  accounts: readonly BenchAccount[],
  customersPerAccount: number,
): Promise<void> {
  const tenants = new Map(accounts.map((account) => [account.tenantId, account.headers]));
  const expected = (tenantId: string) =>
    accounts.filter((account) => account.tenantId === tenantId).length * customersPerAccount;
  const deadline = Date.now() + 120_000;
  for (const [tenantId, headers] of tenants) {
    for (;;) {
      const open = await countOpenConversations(apiUrl, headers);
      if (open >= expected(tenantId)) break;
      if (Date.now() > deadline) {
        throw new Error(`only ${open} of ${expected(tenantId)} windows opened within 120 s`);
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

async function countOpenConversations(
  apiUrl: string,
  headers: Record<string, string>,
): Promise<number> {
  let open = 0;
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { items: { lastInboundAt: string | null }[]; nextCursor: string | null } =
      await call(apiUrl, 'GET', `/api/v2/conversations?limit=100${query}`, { headers });
    open += page.items.filter((item) => item.lastInboundAt !== null).length;
    cursor = page.nextCursor;
  } while (cursor);
  return open;
}

export async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(work));
  }
}

/** One JSON call to Omnihub that must answer `expect` (200 unless told). */
export async function call<T>(
  apiUrl: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: unknown;
    raw?: string;
    expect?: number;
  } = {},
): Promise<T> {
  const payload =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: payload,
  });
  const text = await response.text();
  if (response.status !== (options.expect ?? 200)) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
