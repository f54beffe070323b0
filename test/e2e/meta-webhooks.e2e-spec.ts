import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { META_INSTAGRAM_INBOX_SOURCE } from '@app/meta/webhooks/meta-webhook-objects';
import { signMetaWebhook } from '@test/fakes/meta-graph/webhooks';
import { postMetaWebhook } from '@test/support/meta-webhook';
import { createTenant, createTestApp } from '@test/support/test-app';
import { eventually } from '@test/support/eventually';

const APP_SECRET = 'global-app-secret-for-meta-family-tests';
const INSTAGRAM_SECRET = 'own-app-secret-of-an-instagram-account';
const PAGE_SECRET = 'own-app-secret-of-a-page-linked-account';
const NUMBER_SECRET = 'own-app-secret-of-a-cloud-api-number';
const INSTAGRAM_VERIFY_TOKEN = 'verify-token-of-the-instagram-meta-app';

/**
 * An Instagram or Messenger messaging delivery as Meta documents it: entry[].id is the
 * Instagram account (or Page) the message was sent to, `messaging[]` the events.
 */
function messagingDelivery(object: string, ownerId: string, mid: string) {
  return {
    object,
    entry: [
      {
        id: ownerId,
        time: 1569262486134,
        messaging: [
          {
            sender: { id: '1234567890123456' },
            recipient: { id: ownerId },
            timestamp: 1569262485349,
            message: { mid, text: 'Oi, vocês abrem sábado?' },
          },
        ],
      },
    ],
  };
}

describe('Meta family webhooks (/webhooks/meta) for objects beyond WhatsApp', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  const instagramAccountId = `ig-${newId()}`;
  const pageId = `page-${newId()}`;
  const phoneNumberId = `pn-${newId()}`;

  beforeAll(async () => {
    app = await createTestApp({
      APP_ROLE: 'all',
      META_APP_SECRET: APP_SECRET,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}meta-family-${randomUUID()}`,
    });
    db = app.get(DataSource);
    const tenant = await createTenant(app);
    const accounts = app.get(ChannelAccountsService);
    await accounts.create(tenant.id, {
      hub: 'instagram',
      provider: 'meta-instagram',
      name: 'shop-instagram',
      externalId: instagramAccountId,
      credentials: {
        flavour: 'instagram-login',
        accessToken: 'ig-token',
        appSecret: INSTAGRAM_SECRET,
      },
      webhookVerifyToken: INSTAGRAM_VERIFY_TOKEN,
    });
    await accounts.create(tenant.id, {
      hub: 'instagram',
      provider: 'facebook-login',
      name: 'shop-page',
      externalId: pageId,
      credentials: { accessToken: 'page-token', appSecret: PAGE_SECRET },
    });
    await accounts.create(tenant.id, {
      hub: 'whatsapp',
      provider: 'meta-cloud',
      name: 'shop-number',
      externalId: phoneNumberId,
      credentials: { accessToken: 'wa-token', wabaId: 'waba-1', appSecret: NUMBER_SECRET },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (body: unknown, secret: string) => postMetaWebhook(app, body, secret);

  const inboxRows = (marker: string) =>
    db.query<{ id: string; source: string }[]>(
      `SELECT id, source FROM inbound_events WHERE strpos(payload::text, $1) > 0`,
      [marker],
    );

  const unhandled = async (object: string): Promise<number> => {
    const metric = await register.getSingleMetric('meta_webhook_unhandled_total')?.get();
    return metric?.values.find((value) => value.labels.object === object)?.value ?? 0;
  };

  it("stores an Instagram delivery signed with the account's own secret under the instagram source, and Instagram's handler processes it", async () => {
    const mid = `aWdfZAG1faXRlbToxOklHTWVzc2FnZAU${newId()}`;
    const response = await post(
      messagingDelivery('instagram', instagramAccountId, mid),
      INSTAGRAM_SECRET,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true });
    const [row] = await inboxRows(mid);
    expect(row.source).toBe(META_INSTAGRAM_INBOX_SOURCE);
    await eventually(async () => {
      const [inbox] = await db.query<{ processed_at: Date | null; last_error: string | null }[]>(
        'SELECT processed_at, last_error FROM inbound_events WHERE id = $1',
        [row.id],
      );
      expect(inbox).toMatchObject({ last_error: null });
      expect(inbox.processed_at).not.toBeNull();
    });
  });

  it('refuses an Instagram delivery signed with another Meta app’s secret', async () => {
    const mid = `m-${newId()}`;
    for (const secret of [NUMBER_SECRET, PAGE_SECRET, 'forged']) {
      const response = await post(messagingDelivery('instagram', instagramAccountId, mid), secret);
      expect(response.statusCode).toBe(401);
    }
    expect(await inboxRows(mid)).toHaveLength(0);
  });

  it("accepts a Page delivery signed with the Page account's own secret, and acknowledges it unstored while no product handles pages", async () => {
    const before = await unhandled('page');
    const mid = `m-${newId()}`;
    expect((await post(messagingDelivery('page', pageId, mid), INSTAGRAM_SECRET)).statusCode).toBe(
      401,
    );
    const response = await post(messagingDelivery('page', pageId, mid), PAGE_SECRET);
    expect(response.statusCode).toBe(200);
    expect(await unhandled('page')).toBe(before + 1);
    expect(await inboxRows(mid)).toHaveLength(0);
  });

  it('acknowledges a signed delivery of an unknown object, counts it and stores nothing', async () => {
    const before = await unhandled('user');
    const marker = `unknown-${newId()}`;
    const body = {
      object: 'user',
      entry: [{ id: instagramAccountId, time: 1, changes: [{ field: 'feed', value: { marker } }] }],
    };
    // Only the global secret can sign an object no product owns: no account vouches for it.
    expect((await post(body, INSTAGRAM_SECRET)).statusCode).toBe(401);
    const response = await post(body, APP_SECRET);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true });
    expect(await unhandled('user')).toBe(before + 1);
    expect(await inboxRows(marker)).toHaveLength(0);
  });

  it('refuses a WhatsApp delivery that names an Instagram account id as its business number', async () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: instagramAccountId },
              },
            },
          ],
        },
      ],
    };
    expect((await post(body, INSTAGRAM_SECRET)).statusCode).toBe(401);
  });

  it('stores a delivery signed over a byte-order mark as the JSON after it, and refuses bytes an own secret signed that are not JSON', async () => {
    const mid = `m_${newId()}`;
    const bytes = `\ufeff${JSON.stringify(messagingDelivery('instagram', instagramAccountId, mid))}`;
    const signed = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(bytes, APP_SECRET),
      },
      payload: Buffer.from(bytes),
    });
    expect(signed.statusCode).toBe(200);
    expect(await inboxRows(mid)).toEqual([
      expect.objectContaining({ source: META_INSTAGRAM_INBOX_SOURCE }),
    ]);

    // Only JSON can name the account whose own secret would vouch for it.
    const notJson = `{"object":"instagram","entry":[{"id":"${instagramAccountId}"`;
    const ownSigned = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(notJson, INSTAGRAM_SECRET),
      },
      payload: notJson,
    });
    expect(ownSigned.statusCode).toBe(401);
    expect(ownSigned.json()).toMatchObject({ code: 'WEBHOOK.INVALID_SIGNATURE' });
  });

  it("echoes hub.challenge for an Instagram account's own verify token", async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/webhooks/meta',
      query: {
        'hub.mode': 'subscribe',
        'hub.verify_token': INSTAGRAM_VERIFY_TOKEN,
        'hub.challenge': '3358201444',
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('3358201444');
  });
  it('serves deliveries on the direct route with the request id, the duration metric, problem+json errors and its OpenAPI operation', async () => {
    const requestId = `meta-direct-${newId()}`;
    const body = JSON.stringify({ object: 'something_new', entry: [] });
    const accepted = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(body, APP_SECRET),
        'x-request-id': requestId,
      },
      payload: body,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ received: true });
    expect(accepted.headers['x-request-id']).toBe(requestId);

    const malformed = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook('{"object": ', APP_SECRET),
        'x-request-id': `${requestId}-2`,
      },
      payload: '{"object": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.json()).toMatchObject({
      code: 'REQUEST.MALFORMED_JSON',
      traceId: `${requestId}-2`,
    });
    const unsigned = (contentType: string, payload: string) =>
      app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        headers: { 'content-type': contentType },
        payload,
      });
    // Authenticity first: bytes nobody signed are refused before anyone reads them.
    const forgedMalformed = await unsigned('application/json', '{"object": ');
    expect(forgedMalformed.statusCode).toBe(401);
    expect(forgedMalformed.json()).toMatchObject({ code: 'WEBHOOK.INVALID_SIGNATURE' });
    const wrongType = await unsigned('text/plain', 'hello');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.headers['content-type']).toMatch(/^application\/problem\+json/);

    const metric = await register.getSingleMetric('http_request_duration_seconds')?.get();
    const counted = (status: string) =>
      metric?.values.find(
        (value) =>
          (value as { metricName?: string }).metricName === 'http_request_duration_seconds_count' &&
          value.labels.route === '/webhooks/meta' &&
          value.labels.method === 'POST' &&
          value.labels.status_code === status,
      )?.value ?? 0;
    expect(counted('200')).toBeGreaterThanOrEqual(1);
    expect(counted('400')).toBeGreaterThanOrEqual(1);

    const doc = (await app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    expect(doc.paths['/webhooks/meta'].get).toBeDefined();
    expect(doc.paths['/webhooks/meta'].post.responses['401'].content).toHaveProperty([
      'application/problem+json',
    ]);
  });
});
