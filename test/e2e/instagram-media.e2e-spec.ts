import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { SignedMedia } from '@app/messaging/media/signed-media';
import { InstagramCdnFake } from '@test/fakes/instagram/instagram-cdn-fake';
import { newMid } from '@test/fakes/instagram/webhooks';
import { eventually } from '@test/support/eventually';
import {
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';
import { TestTenant, createTenant } from '@test/support/test-app';
import { createTrustingTestApp } from '@test/support/trusting-test-app';

const SHOP = fakeInstagramAccount('051', 'loja.midia');
/** A JPEG's first bytes and then some: what matters is that they come back unchanged. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);

/**
 * Received Instagram media on demand: the webhook's CDN URL is kept, and the file is streamed
 * from Instagram's CDN (an HTTPS fake here, on hosts the operator allow-lists) when the
 * frontend or a signed link asks for it.
 */
describe('Instagram received media', () => {
  let ig: InstagramScenario;
  let app: NestFastifyApplication;
  let db: DataSource;
  let cdn: InstagramCdnFake;
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    cdn = await InstagramCdnFake.start();
    ig = await startInstagramScenario({
      accounts: [SHOP],
      appSecret: 'app-secret-of-the-instagram-media-app',
      queueName: 'instagram-media',
      connect: { name: 'media-ig', account: SHOP },
      env: {
        OUTBOUND_URL_ALLOWLIST: 'lookaside.receiver.test,edge.receiver.test,gone.receiver.test',
      },
      createApp: createTrustingTestApp,
    });
    ({ app, db, tenant, accountId } = ig);
  });

  afterAll(async () => {
    await ig?.close();
    await cdn?.close();
  });

  /** A person sends a photo whose attachment URL is `url`; resolves with the stored id. */
  async function photoArrives(igsid: string, url: string): Promise<string> {
    const delivered = await ig.personSends(SHOP, igsid, {
      message: { mid: newMid(), attachments: [{ type: 'image', payload: { url } }] },
    });
    expect(delivered.statusCode).toBe(200);
    return eventually(async () => {
      const [row] = await db.query<{ id: string }[]>(
        `SELECT m.id FROM messages m
           JOIN conversations c ON c.id = m.conversation_id
           JOIN contact_identities i ON i.contact_id = c.contact_id
          WHERE m.channel_account_id = $1 AND i.type = 'igsid' AND i.value = $2`,
        [accountId, igsid],
      );
      expect(row).toBeDefined();
      return row.id;
    });
  }

  /** hub_requests_total of Instagram's downloads so far, by outcome. */
  const downloadOutcomes = async () => {
    const metric = await register.getSingleMetric('hub_requests_total')!.get();
    const counts: Record<string, number> = {};
    for (const sample of metric.values) {
      const { hub, operation, outcome } = sample.labels;
      if (hub === 'instagram' && operation === 'download_media' && sample.value > 0) {
        counts[String(outcome)] = sample.value;
      }
    }
    return counts;
  };

  const mediaOf = (id: string) =>
    app.inject({
      method: 'GET',
      url: `/api/v2/instagram/messages/${id}/media`,
      headers: tenant.headers,
    });

  it('serves a received photo with its bytes and content type, fetching the CDN without our token', async () => {
    const url = cdn.put('1001', { bytes: PHOTO, contentType: 'image/jpeg' });
    const id = await photoArrives('7000000000000301', url);

    const response = await mediaOf(id);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.rawPayload.equals(PHOTO)).toBe(true);
    const fetched = cdn.requests.filter((r) => r.path.includes('asset_id=1001'));
    expect(fetched).toHaveLength(1);
    expect(fetched[0].headers.authorization).toBeUndefined();
  });

  it('serves the same file behind a signed media link (GET /api/v2/media/:id)', async () => {
    const url = cdn.put('1002', { bytes: PHOTO, contentType: 'image/png' });
    const id = await photoArrives('7000000000000302', url);
    const stored = await app.get(MessageLookup).find(tenant.id, id, 'meta-instagram');
    const link = app.get(SignedMedia).linkOf('instagram', stored!);
    expect(link).not.toBeNull();

    const response = await app.inject({
      method: 'GET',
      url: new URL(link!.url).pathname + new URL(link!.url).search,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.rawPayload.equals(PHOTO)).toBe(true);
  });

  it('follows the CDN redirect to another CDN host', async () => {
    const edge = cdn.put('1003', { bytes: PHOTO, contentType: 'image/jpeg' }, 'edge.receiver.test');
    cdn.redirect('1004', edge);
    const id = await photoArrives('7000000000000303', cdn.urlOf('1004'));

    const response = await mediaOf(id);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(PHOTO)).toBe(true);
    // The hop is no failed call: the hub's failure-ratio alert must not count it.
    const downloads = await downloadOutcomes();
    expect(downloads).toEqual({ success: 4 });
  });

  it('answers 422 INSTAGRAM.MEDIA_EXPIRED as problem+json once the CDN link has expired', async () => {
    const url = cdn.put('1005', { bytes: PHOTO, contentType: 'image/jpeg' });
    const id = await photoArrives('7000000000000304', url);
    cdn.expire('1005');

    const response = await mediaOf(id);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'INSTAGRAM.MEDIA_EXPIRED', status: 422 });
  });

  it('answers 503 as problem+json when the CDN cannot be reached', async () => {
    // An allow-listed name on a port nothing listens on: the connection is refused.
    const id = await photoArrives(
      '7000000000000305',
      'https://gone.receiver.test:1/ig_messaging_cdn/?asset_id=1&signature=sig1',
    );

    const response = await mediaOf(id);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'PLATFORM.NETWORK' });
  });

  it("refuses a URL that is not on Instagram's CDN (422 MEDIA.LINK_REFUSED) without fetching it", async () => {
    const before = cdn.requests.length;
    const id = await photoArrives(
      '7000000000000306',
      `https://files.receiver.test:${cdn.port}/ig_messaging_cdn/?asset_id=1001&signature=sig1001`,
    );

    const response = await mediaOf(id);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'MEDIA.LINK_REFUSED' });
    expect(response.json().detail).toContain("not Instagram's CDN");
    expect(cdn.requests.length).toBe(before);
  });

  it("answers 404 for another tenant's message", async () => {
    const url = cdn.put('1007', { bytes: PHOTO, contentType: 'image/jpeg' });
    const id = await photoArrives('7000000000000307', url);
    const other = await createTenant(app);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/instagram/messages/${id}/media`,
      headers: other.headers,
    });
    expect(response.statusCode).toBe(404);
  });
});
