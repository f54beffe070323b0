import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { TikTokAccount } from '@app/tiktok/api/tiktok.credentials';
import { TikTokConversationsRepository } from '@app/tiktok/inbound/tiktok-conversations.repository';
import { TikTokProvider } from '@app/tiktok/send/tiktok.provider';
import { readFileSync } from 'node:fs';
import { Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';
import { createWebhooksTestApp } from '@test/integration/tenant-webhooks/tenant-webhooks-harness';
import { TikTokBusinessFake } from '@test/fakes/tiktok/tiktok-business-fake';
import { TestTenant, createTenant } from '@test/support/test-app';

const APP = { id: 'tiktok-app-id', secret: 'tiktok-app-secret-for-the-tests' };
const SHOP = { openId: '-000shopOpenIdForProviderTests', username: 'loja.exemplo' };
const PERSON = 'user-ana-0001';
const CONVERSATION = 'conv-ana-with-shop';
/** A public image host (HTTPS, as the link guard demands) on the receiver fake's certificate. */
const FILES_HOST = 'files.receiver.test';
const FILES: Record<string, [string, Buffer]> = {};

async function startFileHost(): Promise<Server> {
  const key = readFileSync(join(__dirname, '../../fakes/webhook-receiver/tls/key.pem'));
  const server = createServer({ key, cert: RECEIVER_CA }, (req, res) => {
    const file = FILES[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

/** The TikTok provider as the app wires it, against the fake, with a connected account. */
describe('TikTok provider against the Business API fake', () => {
  let app: NestFastifyApplication;
  let tiktok: TikTokBusinessFake;
  let files: Server;
  let fileUrl: (path: string) => string;
  let tenant: TestTenant;
  let account: TikTokAccount;
  let provider: TikTokProvider;

  beforeAll(async () => {
    tiktok = await TikTokBusinessFake.start(APP, [SHOP]);
    FILES['/vitrine.jpg'] = ['image/jpeg', JPEG];
    FILES['/manual.pdf'] = ['application/pdf', JPEG];
    files = await startFileHost();
    fileUrl = (path) => `https://${FILES_HOST}:${(files.address() as AddressInfo).port}${path}`;
    ({ app } = await createWebhooksTestApp({
      APP_ROLE: 'api',
      TIKTOK_APP_ID: APP.id,
      TIKTOK_APP_SECRET: APP.secret,
      TIKTOK_BUSINESS_API_BASE_URL: tiktok.baseUrl,
      OUTBOUND_URL_ALLOWLIST: FILES_HOST,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}tiktok-provider-${randomUUID()}`,
    }));
    tenant = await createTenant(app);
    const started = await app.inject({
      method: 'POST',
      url: '/api/v2/tiktok/accounts',
      headers: tenant.headers,
      payload: { name: 'shop-tt', registrationRegion: 'MX' },
    });
    const authorize = new URL(started.json<{ authorizeUrl: string }>().authorizeUrl);
    const code = tiktok.issueCode(SHOP.openId, authorize.searchParams.get('redirect_uri')!);
    const query = new URLSearchParams({ code, state: authorize.searchParams.get('state')! });
    const connected = await app.inject({
      method: 'GET',
      url: `/api/v2/tiktok/oauth/callback?${query.toString()}`,
    });
    expect(connected.statusCode).toBe(200);
    account = await app.get(ChannelAccountsService).open(tenant.id, 'shop-tt');
    await app.get(TikTokConversationsRepository).remember(account.id, PERSON, CONVERSATION);
    provider = app.get(TikTokProvider);
  });

  afterAll(async () => {
    await app?.close();
    await tiktok?.close();
    files?.closeAllConnections();
    await new Promise((resolve) => files?.close(resolve));
  });

  const message = (content: Record<string, unknown>): OutboundMessage =>
    ({ id: randomUUID(), to: PERSON, ...content }) as OutboundMessage;
  const lastSend = () => tiktok.sent.at(-1)!;

  it('uploads an image given by URL first and sends it by the media id TikTok returned', async () => {
    const result = await provider.send(
      account,
      message({ type: 'image', media: { url: fileUrl('/vitrine.jpg') } }),
    );
    const upload = tiktok.requests.findLast((r) => r.path.endsWith('/message/media/upload/'))!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.headers['access-token']).toBe(account.credentials.accessToken);
    expect(upload.rawBody.includes(JPEG)).toBe(true);
    const mediaId = tiktok.uploaded.at(-1);
    expect(mediaId).toBeDefined();
    expect(lastSend().body).toEqual({
      business_id: SHOP.openId,
      recipient_type: 'CONVERSATION',
      recipient: CONVERSATION,
      message_type: 'IMAGE',
      image: { media_id: mediaId },
    });
    expect(result.providerMessageId).toBe(lastSend().messageId);
  });

  it('sends an image TikTok already holds without uploading it again', async () => {
    const uploads = tiktok.requests.filter((r) => r.path.endsWith('/media/upload/')).length;
    await provider.send(account, message({ type: 'image', media: { mediaId: 'v10033g5known' } }));
    expect(tiktok.requests.filter((r) => r.path.endsWith('/media/upload/'))).toHaveLength(uploads);
    expect(lastSend().body).toMatchObject({ image: { media_id: 'v10033g5known' } });
  });

  it('refuses a file TikTok does not take as an image, before uploading it', async () => {
    const failure = await provider
      .send(account, message({ type: 'image', media: { url: fileUrl('/manual.pdf') } }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlatformError);
    expect(failure).toMatchObject({ failure: 'rejected', retryable: false });
  });

  it('shares a post by its item id', async () => {
    await provider.send(
      account,
      message({
        type: 'interactive',
        interactive: { sharePost: { itemId: '7300000000000000001' } },
      }),
    );
    expect(lastSend().body).toMatchObject({
      message_type: 'SHARE_POST',
      share_post: { item_id: '7300000000000000001' },
    });
  });

  it.each([
    [40100, 'rate-limited', true],
    [51065, 'server', true],
    [40064, 'rejected', false],
    [40002, 'rejected', false],
  ])('maps TikTok code %i to %s (retryable: %s)', async (code, failure, retryable) => {
    tiktok.failNextSends(1, code);
    const error = await provider
      .send(account, message({ type: 'text', text: 'oi' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure, retryable, details: { platformCode: String(code) } });
  });

  it('refreshes the token once and sends again when TikTok refuses it before its expiry', async () => {
    const refreshes = () => tiktok.requests.filter((r) => r.path.endsWith('/refresh_token/'));
    const before = refreshes().length;
    tiktok.failNextSends(1, 40105);
    const result = await provider.send(account, message({ type: 'text', text: 'de novo' }));
    expect(result.providerMessageId).toBe(lastSend().messageId);
    expect(refreshes()).toHaveLength(before + 1);
    const sends = tiktok.requests.filter((r) => r.path.endsWith('/message/send/')).slice(-2);
    expect(sends[1].headers['access-token']).not.toBe(sends[0].headers['access-token']);
    account = await app.get(ChannelAccountsService).open(tenant.id, 'shop-tt');
    expect(sends[1].headers['access-token']).toBe(account.credentials.accessToken);
  });

  it('refuses a person with no TikTok conversation without calling TikTok', async () => {
    const sends = tiktok.requests.length;
    const error = await provider
      .send(account, { ...message({ type: 'text', text: 'oi' }), to: 'user-never-wrote' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure: 'rejected' });
    expect(tiktok.requests).toHaveLength(sends);
  });
});
