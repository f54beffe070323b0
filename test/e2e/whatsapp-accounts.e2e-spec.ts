import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MetaGraphFake, startMetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  metaMessages,
  metaMessagesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const APP_SECRET = 'accounts-app-secret-0123456789abcdef';
const PROBLEM_JSON = /^application\/problem\+json/;
const stamp = `${Date.now()}`.slice(-9);
/** Tenant A's business (a number on its WABA) and tenant B's, each with its own token. */
const ALPHA = {
  phoneNumberId: `31${stamp}`,
  wabaId: `41${stamp}`,
  accessToken: `EAAGalphaToken${stamp}`,
};
const BRAVO = {
  phoneNumberId: `32${stamp}`,
  wabaId: `42${stamp}`,
  accessToken: `EAAGbravoToken${stamp}`,
};

describe('Connecting a Cloud API number (POST /api/v2/whatsapp/accounts)', () => {
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let db: DataSource;
  let alpha: TestTenant;
  let bravo: TestTenant;

  beforeAll(async () => {
    graph = await startMetaGraphFake({ accounts: [ALPHA, BRAVO] });
    app = await createTestApp({
      APP_ROLE: 'all',
      META_GRAPH_BASE_URL: graph.baseUrl,
      META_GRAPH_API_VERSION: graph.version,
      META_APP_SECRET: APP_SECRET,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}wa-accounts-${randomUUID()}`,
    });
    db = app.get(DataSource);
    [alpha, bravo] = [await createTenant(app), await createTenant(app)];
  });

  afterAll(async () => {
    await app?.close();
    await graph?.close();
  });

  const connect = (
    tenant: TestTenant,
    claim: { name: string; phoneNumberId: string; wabaId: string; accessToken: string },
  ) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/accounts',
      headers: tenant.headers,
      payload: claim,
    });

  const accountsOf = async (phoneNumberId: string) =>
    db.query<{ tenant_id: string; name: string }[]>(
      `SELECT tenant_id, name FROM channel_accounts WHERE provider = 'meta-cloud' AND external_id = $1`,
      [phoneNumberId],
    );

  it('refuses a number claimed with a junk token (422, accessToken) and stores nothing', async () => {
    const response = await connect(bravo, {
      name: 'hijack-junk',
      phoneNumberId: ALPHA.phoneNumberId,
      wabaId: ALPHA.wabaId,
      accessToken: 'EAAGjunk-token-0123456789',
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({
      code: 'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
      errors: [{ field: 'accessToken' }],
    });
    expect(await accountsOf(ALPHA.phoneNumberId)).toEqual([]);
  });

  it("refuses a number claimed with another business's valid token (422, phoneNumberId)", async () => {
    const response = await connect(bravo, {
      name: 'hijack-own-token',
      phoneNumberId: ALPHA.phoneNumberId,
      wabaId: BRAVO.wabaId,
      accessToken: BRAVO.accessToken,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'CHANNEL_ACCOUNT.NOT_OWNED',
      errors: [{ field: 'phoneNumberId' }],
    });
    expect(await accountsOf(ALPHA.phoneNumberId)).toEqual([]);
  });

  it('connects the owner, whose deliveries then land in its own conversations', async () => {
    const response = await connect(alpha, { name: 'alpha-line', ...ALPHA });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'alpha-line', externalId: ALPHA.phoneNumberId });

    const wamid = newWamid();
    const raw = JSON.stringify(
      metaMessagesWebhook(
        ALPHA,
        { waId: '5511987651111' },
        metaMessages.text({ from: '5511987651111', id: wamid }, 'oi'),
      ),
    );
    const delivered = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(raw, APP_SECRET),
      },
      payload: raw,
    });
    expect(delivered.statusCode).toBe(200);
    const [stored] = await eventually(async () => {
      const rows = await db.query<{ tenant_id: string }[]>(
        `SELECT tenant_id FROM messages WHERE provider_message_id = $1`,
        [wamid],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(stored.tenant_id).toBe(alpha.id);
  });

  it('answers 409 to a proven owner when another tenant holds the number, naming no tenant', async () => {
    const response = await connect(bravo, { name: 'bravo-copy', ...ALPHA });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('CHANNEL_ACCOUNT.ALREADY_CONNECTED');
    for (const secret of [alpha.id, 'alpha-line', ALPHA.accessToken]) {
      expect(response.body).not.toContain(secret);
    }
    expect(await accountsOf(ALPHA.phoneNumberId)).toEqual([
      { tenant_id: alpha.id, name: 'alpha-line' },
    ]);
  });

  it('answers a refused claim the same whether or not the number is connected', async () => {
    const claim = {
      phoneNumberId: ALPHA.phoneNumberId,
      wabaId: ALPHA.wabaId,
      accessToken: 'EAAGjunk-token-0123456789',
    };
    const response = await connect(bravo, { name: 'hijack-again', ...claim });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('CHANNEL_ACCOUNT.CREDENTIALS_REJECTED');
  });

  it('answers 503 with Retry-After when Meta cannot answer, and connects nothing', async () => {
    graph.failNext(1, { status: 502, body: '<html>Bad Gateway</html>' });
    const response = await connect(bravo, { name: 'bravo-line', ...BRAVO });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.json().code).toBe('CHANNEL_ACCOUNT.PLATFORM_UNAVAILABLE');
    expect(await accountsOf(BRAVO.phoneNumberId)).toEqual([]);

    expect((await connect(bravo, { name: 'bravo-line', ...BRAVO })).statusCode).toBe(201);
  });
});
