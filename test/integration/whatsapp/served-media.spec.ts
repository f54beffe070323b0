import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import type { FakeMediaFile, MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { metaMessages, metaMessagesWebhook } from '@test/fakes/meta-graph/webhooks';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import type { TestTenant } from '@test/support/test-app';

const CAP = 2048;
const JPEG = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes \xff\xd9', 'latin1');
const HTML = Buffer.from('<html><script>fetch("/api/v2/conversations")</script></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

/**
 * GET /api/v2/whatsapp/messages/:id/media serves a customer's file from our origin: it must
 * not run there (nosniff, attachment unless a plain image, audio or video) and is streamed
 * under MEDIA_DOWNLOAD_MAX_BYTES, never as a silently truncated success.
 */
describe('Served WhatsApp media', () => {
  let scenario: CloudApiScenario;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let baseUrl: string;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'oficial',
      env: { MEDIA_DOWNLOAD_MAX_BYTES: String(CAP) },
    });
    ({ graph, app, db, tenant } = scenario);
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => scenario.close());

  /** A customer's media message arrives; returns its Omnihub id. */
  const received = async (
    file: FakeMediaFile,
    as: 'image' | 'document' | 'sticker' = 'image',
  ): Promise<string> => {
    const mediaId = graph.addMedia(scenario.number.phoneNumberId, file);
    const waId = '5511987651111';
    const wamid = `wamid.${newId()}`;
    const o = { from: waId, id: wamid };
    const content =
      as === 'document'
        ? metaMessages.document(o, mediaId, 'pagina.html')
        : as === 'sticker'
          ? metaMessages.sticker(o, mediaId)
          : metaMessages.image(o, mediaId);
    expect(
      (await scenario.webhook(metaMessagesWebhook(scenario.number, { waId }, content))).statusCode,
    ).toBe(200);
    return eventually(async () => {
      const [row] = await db.query<{ id: string }[]>(
        `SELECT id FROM messages WHERE provider_message_id = $1`,
        [wamid],
      );
      if (!row) throw new Error('not stored yet');
      return row.id;
    });
  };
  const get = (id: string) =>
    app.inject({
      method: 'GET',
      url: `/api/v2/whatsapp/messages/${id}/media`,
      headers: tenant.headers,
    });

  it('serves a photo inline, with its length, never sniffed', async () => {
    const response = await get(await received({ mimeType: 'image/jpeg', body: JPEG }));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
      'content-length': String(JPEG.length),
    });
    expect(response.rawPayload.equals(JPEG)).toBe(true);
  });

  it('serves an HTML document as a download under its file name', async () => {
    const response = await get(await received({ mimeType: 'text/html', body: HTML }, 'document'));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html',
      'content-disposition': `attachment; filename="pagina.html"; filename*=UTF-8''pagina.html`,
      'x-content-type-options': 'nosniff',
    });
    expect(response.rawPayload.equals(HTML)).toBe(true);
  });

  it('serves an SVG as a download, though it is an image', async () => {
    const response = await get(await received({ mimeType: 'image/svg+xml', body: SVG }, 'sticker'));
    expect(response.headers).toMatchObject({
      'content-type': 'image/svg+xml',
      'content-disposition': 'attachment',
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers 422 WHATSAPP.MEDIA_TOO_LARGE for a file announced over the cap, before any byte', async () => {
    const response = await get(
      await received({ mimeType: 'video/mp4', body: Buffer.alloc(CAP + 1, 1) }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'WHATSAPP.MEDIA_TOO_LARGE' });
  });

  it('breaks the download off, rather than end it as complete, when unannounced bytes pass the cap', async () => {
    const id = await received({
      mimeType: 'video/mp4',
      body: Buffer.alloc(CAP * 4, 1),
      reportedSize: null,
      chunked: true,
    });
    const response = await fetch(`${baseUrl}/api/v2/whatsapp/messages/${id}/media`, {
      headers: tenant.headers,
    });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });
});
