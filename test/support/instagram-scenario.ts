import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  InstagramFakeAccount,
  InstagramFakeUser,
  InstagramGraphFake,
  startInstagramGraphFake,
} from '@test/fakes/instagram/instagram-graph-fake';
import { fromPerson, instagramDelivery } from '@test/fakes/instagram/webhooks';
import { postMetaWebhook } from './meta-webhook';
import { createTenant, createTestApp, TestTenant } from './test-app';

export const INSTAGRAM_GRAPH_VERSION = 'v23.0';

/**
 * A professional account with its linked Page, numbered by `suite` (three digits, e.g. '051').
 * Each suite takes its own number: two suites connecting the same IG id in one jest run get 409.
 */
export function fakeInstagramAccount(suite: string, username: string): InstagramFakeAccount {
  return {
    igId: `17841400000000${suite}`,
    username,
    instagramToken: `IGAA${suite}InstagramUserToken${username}`,
    pageId: `104230000000${suite}`,
    pageToken: `EAA${suite}PageAccessToken${username}`,
  };
}

/** Both of Meta's hosts Instagram messaging talks to, faked with the same accounts. */
export async function startInstagramGraphFakes(options: {
  accounts: readonly InstagramFakeAccount[];
  users?: readonly InstagramFakeUser[];
}): Promise<{ instagram: InstagramGraphFake; facebook: InstagramGraphFake }> {
  const common = { ...options, version: INSTAGRAM_GRAPH_VERSION };
  const instagram = await startInstagramGraphFake({ host: 'graph.instagram.com', ...common });
  const facebook = await startInstagramGraphFake({ host: 'graph.facebook.com', ...common });
  return { instagram, facebook };
}

export interface InstagramScenario {
  app: NestFastifyApplication;
  db: DataSource;
  tenant: TestTenant;
  instagram: InstagramGraphFake;
  facebook: InstagramGraphFake;
  /** The channel account id of `connect`, when the scenario connected one. */
  accountId: string;
  /** POSTs a body to /webhooks/meta signed with the app's secret (or `secret`). */
  webhook(body: unknown, secret?: string): Promise<InjectResponse>;
  /** A person's messaging event (`{ message: … }`, an edit…) delivered to `account` by webhook. */
  personSends(
    account: InstagramFakeAccount,
    igsid: string,
    event: Record<string, unknown>,
    at?: number,
  ): Promise<InjectResponse>;
  close(): Promise<void>;
}

/**
 * The production app with its worker, both Graph fakes, a tenant and (with `connect`) one
 * Instagram account connected through the frontend's route: the common start of the
 * Instagram end-to-end suites. `env` adds to or overrides the app's variables.
 */
export async function startInstagramScenario(options: {
  accounts: readonly InstagramFakeAccount[];
  users?: readonly InstagramFakeUser[];
  appSecret: string;
  /** Names this suite's queues, so that parallel suites do not take each other's jobs. */
  queueName: string;
  connect?: { name: string; account: InstagramFakeAccount };
  env?: Record<string, string>;
  createApp?: (env: Record<string, string>) => Promise<NestFastifyApplication>;
}): Promise<InstagramScenario> {
  const { instagram, facebook } = await startInstagramGraphFakes(options);
  const app = await (options.createApp ?? createTestApp)({
    APP_ROLE: 'all',
    META_APP_SECRET: options.appSecret,
    INSTAGRAM_GRAPH_BASE_URL: instagram.baseUrl,
    META_GRAPH_BASE_URL: facebook.baseUrl,
    META_GRAPH_API_VERSION: INSTAGRAM_GRAPH_VERSION,
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}${options.queueName}-${randomUUID()}`,
    ...options.env,
  });
  const db = app.get(DataSource);
  const tenant = await createTenant(app);
  let accountId = '';
  if (options.connect) {
    const { name, account } = options.connect;
    const connected = await app.inject({
      method: 'POST',
      url: '/api/v2/instagram/accounts',
      headers: tenant.headers,
      payload: {
        name,
        accountId: account.igId,
        flavour: 'instagram-login',
        accessToken: account.instagramToken,
      },
    });
    if (connected.statusCode !== 201)
      throw new Error(`connecting the Instagram account failed: ${connected.body}`);
    accountId = connected.json<{ id: string }>().id;
  }
  const webhook = (body: unknown, secret = options.appSecret) => postMetaWebhook(app, body, secret);
  return {
    app,
    db,
    tenant,
    instagram,
    facebook,
    accountId,
    webhook,
    personSends: (account, igsid, event, at) =>
      webhook(instagramDelivery(account.igId, fromPerson(account.igId, igsid, event, at))),
    close: async () => {
      await app.close();
      await instagram.close();
      await facebook.close();
    },
  };
}
