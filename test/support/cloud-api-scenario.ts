import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import {
  FakeTemplate,
  MetaGraphFake,
  startMetaGraphFake,
} from '@test/fakes/meta-graph/meta-graph-fake';
import { metaMessages, metaMessagesWebhook } from '@test/fakes/meta-graph/webhooks';
import { eventually } from './eventually';
import { postMetaWebhook } from './meta-webhook';
import { createTenant, createTestApp, TestTenant } from './test-app';

const APP_SECRET = 'scenario-app-secret-0123456789abcdef';
const ACCESS_TOKEN = 'EAAGscenariotoken0123456789abcdefgh';

export interface CloudApiScenario {
  graph: MetaGraphFake;
  app: NestFastifyApplication;
  db: DataSource;
  tenant: TestTenant;
  /** The connected Cloud API number (as the Graph fake and Meta's webhooks name it). */
  number: { phoneNumberId: string; wabaId: string };
  accessToken: string;
  /** POSTs a body to /webhooks/meta, signed like Meta signs it. */
  webhook(body: unknown): Promise<InjectResponse>;
  /** A customer's text arrives by webhook and is stored: their 24-hour window is open. */
  customerWrites(waId: string, text: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The production app with its worker, a Meta Graph fake, a tenant and one Cloud API number
 * connected through the frontend's route under `accountName`: the common start of the
 * WhatsApp end-to-end suites. `env` overrides the app's variables.
 */
export async function startCloudApiScenario(options: {
  accountName: string;
  templates?: readonly FakeTemplate[];
  env?: Record<string, string>;
}): Promise<CloudApiScenario> {
  const number = {
    phoneNumberId: `10${Date.now()}${Math.floor(Math.random() * 1e3)}`.slice(0, 15),
    wabaId: '102290129340398',
  };
  const graph = await startMetaGraphFake({
    accounts: [{ ...number, accessToken: ACCESS_TOKEN }],
    templates: options.templates,
  });
  const app = await createTestApp({
    APP_ROLE: 'all',
    META_GRAPH_BASE_URL: graph.baseUrl,
    META_GRAPH_API_VERSION: graph.version,
    META_APP_SECRET: APP_SECRET,
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}wa-${newId()}`,
    ...options.env,
  });
  const db = app.get(DataSource);
  const tenant = await createTenant(app);
  const connected = await app.inject({
    method: 'POST',
    url: '/api/v2/whatsapp/accounts',
    headers: tenant.headers,
    payload: {
      name: options.accountName,
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId,
      accessToken: ACCESS_TOKEN,
    },
  });
  if (connected.statusCode !== 201)
    throw new Error(`connecting the Cloud API number failed: ${connected.body}`);

  const webhook = (body: unknown) => postMetaWebhook(app, body, APP_SECRET);

  const customerWrites = async (waId: string, text: string, name = 'Maria') => {
    const wamid = `wamid.${newId()}`;
    const delivered = await webhook(
      metaMessagesWebhook(
        number,
        { waId, name },
        metaMessages.text({ from: waId, id: wamid }, text),
      ),
    );
    if (delivered.statusCode !== 200) throw new Error(`webhook refused: ${delivered.body}`);
    await eventually(async () => {
      const rows = await db.query(`SELECT 1 FROM messages WHERE provider_message_id = $1`, [wamid]);
      if (rows.length !== 1) throw new Error('inbound message not stored yet');
    });
    return wamid;
  };

  return {
    graph,
    app,
    db,
    tenant,
    number,
    accessToken: ACCESS_TOKEN,
    webhook,
    customerWrites,
    close: async () => {
      await app.close();
      await graph.close();
    },
  };
}
