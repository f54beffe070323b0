import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MediaTooLargeError, MetaMediaClient } from '@app/whatsapp/meta-cloud/meta-media.client';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { parseMultipart } from '@test/fakes/meta-graph/multipart-form';
import {
  CLINIC,
  GRAPH_VERSION,
  SHOP,
  accountFor,
  failureOf,
  startMetaCloud,
} from './meta-cloud-harness';

/** A few bytes that are not valid UTF-8, so any text decoding along the way would show. */
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x0d, 0x0a, 0x80, 0xfe, 0xff, 0xd9,
]);

const MAX_BYTES = 10 * 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('MetaMediaClient against the fake Graph API', () => {
  let fake: MetaGraphFake;
  let media: MetaMediaClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud();
    ({ fake, close } = started);
    media = started.moduleRef.get(MetaMediaClient);
  });

  afterAll(async () => close?.());

  it('downloads in two steps, the second carrying the token, and returns the exact bytes', async () => {
    const mediaId = fake.addMedia(SHOP.phoneNumberId, { mimeType: 'image/jpeg', body: JPEG });
    const before = fake.requests.length;

    const downloaded = await media.download(accountFor(SHOP), mediaId, MAX_BYTES);

    expect((await readAll(downloaded.body)).equals(JPEG)).toBe(true);
    expect(downloaded).toMatchObject({
      mimeType: 'image/jpeg',
      sha256: createHash('sha256').update(JPEG).digest('hex'),
      fileSize: JPEG.length,
      contentLength: JPEG.length,
    });
    const [lookup, download] = fake.requests.slice(before);
    expect(fake.requests).toHaveLength(before + 2);
    expect(lookup.method).toBe('GET');
    expect(lookup.path).toBe(`/${GRAPH_VERSION}/${mediaId}`);
    expect(lookup.query).toEqual({ phone_number_id: SHOP.phoneNumberId });
    expect(lookup.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
    expect(download.method).toBe('GET');
    expect(download.path).toBe('/whatsapp_business/attachments/');
    expect(download.query).toMatchObject({ mid: mediaId, hash: 'ATu9Xz0-signed' });
    expect(download.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
  });

  it("refuses media of another business's number permanently (Meta's 100/33)", async () => {
    const mediaId = fake.addMedia(CLINIC.phoneNumberId, { mimeType: 'image/jpeg', body: JPEG });
    const error = await failureOf(media.download(accountFor(SHOP), mediaId, MAX_BYTES));
    expect(error.details).toMatchObject({ status: 400, platformCode: '100' });
    expect(error.retryable).toBe(false);
    expect(error.operation).toBe('get_media');
  });

  it('uploads as multipart with messaging_product, type and the file, and gets a media id', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), JPEG]);
    const { mediaId } = await media.upload(accountFor(SHOP), {
      body: pdf,
      mimeType: 'application/pdf',
      filename: 'nota-fiscal-1001.pdf',
    });

    const request = fake.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/${GRAPH_VERSION}/${SHOP.phoneNumberId}/media`);
    expect(request?.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = parseMultipart(request!.rawBody, request!.headers['content-type']);
    expect(form?.fields).toEqual({ messaging_product: 'whatsapp', type: 'application/pdf' });
    expect(form?.files.file).toMatchObject({
      filename: 'nota-fiscal-1001.pdf',
      contentType: 'application/pdf',
    });
    expect(form?.files.file.data.equals(pdf)).toBe(true);

    expect(mediaId).toMatch(/^\d{15,16}$/);
    expect(fake.media(mediaId)?.body.equals(pdf)).toBe(true);
    const roundTrip = await media.download(accountFor(SHOP), mediaId, MAX_BYTES);
    expect((await readAll(roundTrip.body)).equals(pdf)).toBe(true);
  });

  it('passes a throttled upload on as retryable', async () => {
    fake.failNext(1, 80007);
    const error = await failureOf(
      media.upload(accountFor(SHOP), { body: JPEG, mimeType: 'image/jpeg', filename: 'a.jpg' }),
    );
    expect(error.retryable).toBe(true);
    expect(error.operation).toBe('upload_media');
  });

  describe('size cap', () => {
    const file = Buffer.alloc(4096, 0xab);
    const cap = 1024;

    it("refuses a file Meta's lookup declares too large, without downloading it", async () => {
      const mediaId = fake.addMedia(SHOP.phoneNumberId, { mimeType: 'video/mp4', body: file });
      const before = fake.requests.length;
      await expect(media.download(accountFor(SHOP), mediaId, cap)).rejects.toThrow(
        MediaTooLargeError,
      );
      expect(fake.requests.slice(before).map((r) => r.path)).toEqual([
        `/${GRAPH_VERSION}/${mediaId}`,
      ]);
    });

    it('refuses one whose Content-Length is over the cap when the lookup said less', async () => {
      const mediaId = fake.addMedia(SHOP.phoneNumberId, {
        mimeType: 'video/mp4',
        body: file,
        reportedSize: 10,
      });
      const error = await media.download(accountFor(SHOP), mediaId, cap).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaTooLargeError);
      expect((error as MediaTooLargeError).code).toBe('WHATSAPP.MEDIA_TOO_LARGE');
    });

    it('fails the stream once more bytes arrive than the cap, when no size was announced', async () => {
      const mediaId = fake.addMedia(SHOP.phoneNumberId, {
        mimeType: 'video/mp4',
        body: file,
        reportedSize: null,
        chunked: true,
      });
      const downloaded = await media.download(accountFor(SHOP), mediaId, cap);
      expect(downloaded.contentLength).toBeUndefined();
      await expect(readAll(downloaded.body)).rejects.toThrow(MediaTooLargeError);
    });

    it('streams a file of exactly the cap in full', async () => {
      const exact = file.subarray(0, cap);
      const mediaId = fake.addMedia(SHOP.phoneNumberId, {
        mimeType: 'video/mp4',
        body: exact,
        reportedSize: null,
        chunked: true,
      });
      const downloaded = await media.download(accountFor(SHOP), mediaId, cap);
      expect((await readAll(downloaded.body)).equals(exact)).toBe(true);
    });
  });
});
