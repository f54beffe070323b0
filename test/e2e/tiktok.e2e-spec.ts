import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MediaLinks } from '@app/messaging/media/media-links';
import { TikTokTokenKeeper } from '@app/tiktok/accounts/tiktok-token-keeper.task';
import { TikTokTokens } from '@app/tiktok/accounts/tiktok-tokens';
import type { TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';
import { TikTokBusinessFake } from '@test/fakes/tiktok/tiktok-business-fake';
import {
  Party,
  commentContent,
  messageContent,
  readContent,
  tiktokDelivery,
  tiktokSignature,
} from '@test/fakes/tiktok/webhooks';
import { eventually } from '@test/support/eventually';
import { TestTenant, adminHeaders, createTenant, createTestApp } from '@test/support/test-app';

const APP = { id: 'tiktok-app-id', secret: 'tiktok-app-secret-for-the-tests' };
const SHOP = { openId: '-000shopOpenIdOfTheBusiness', username: 'loja.exemplo' };
const OTHER = { openId: '-000otherOpenIdOfTheBusiness', username: 'outra.loja' };
const shopParty: Party = { id: SHOP.openId, name: SHOP.username };

interface HistoryItem {
  id: string;
  direction: string;
  type: string;
  status: string;
  content: Record<string, unknown>;
  providerMessageId?: string;
}

describe('TikTok Business Messaging end to end', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tiktok: TikTokBusinessFake;
  let tenant: TestTenant;

  beforeAll(async () => {
    tiktok = await TikTokBusinessFake.start(APP, [SHOP, OTHER]);
    app = await createTestApp({
      APP_ROLE: 'all',
      TIKTOK_APP_ID: APP.id,
      TIKTOK_APP_SECRET: APP.secret,
      TIKTOK_BUSINESS_API_BASE_URL: tiktok.baseUrl,
      TIKTOK_AUTHORIZE_URL: `${tiktok.baseUrl}/v2/auth/authorize/`,
      RETRY_BASE_DELAY_MS: '50',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}tiktok-${randomUUID()}`,
    });
    db = app.get(DataSource);
    tenant = await createTenant(app);
  });

  afterAll(async () => {
    await app?.close();
    await tiktok?.close();
  });

  const start = (name: string, registrationRegion = 'BR') =>
    app.inject({
      method: 'POST',
      url: '/api/v2/tiktok/accounts',
      headers: tenant.headers,
      payload: { name, registrationRegion },
    });

  /** The whole OAuth round: start, the holder approves at TikTok, the redirect comes back. */
  async function connect(name: string, openId: string) {
    const started = await start(name);
    expect(started.statusCode).toBe(201);
    const authorize = new URL(started.json<{ authorizeUrl: string }>().authorizeUrl);
    const state = authorize.searchParams.get('state')!;
    const code = tiktok.issueCode(openId, authorize.searchParams.get('redirect_uri')!);
    const query = new URLSearchParams({ code, state }).toString();
    const callback = () =>
      app.inject({ method: 'GET', url: `/api/v2/tiktok/oauth/callback?${query}` });
    return { response: await callback(), replay: callback, authorize };
  }

  const webhook = (body: unknown, secret = APP.secret, timestamp?: number) => {
    const raw = JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: '/webhooks/tiktok',
      headers: {
        'content-type': 'application/json',
        'tiktok-signature': tiktokSignature(raw, secret, timestamp),
      },
      payload: raw,
    });
  };

  /** A person's message to SHOP, delivered signed; resolves once it is stored. */
  async function personWrites(person: Party, conversationId: string, text: string, at?: number) {
    const content = messageContent(
      person,
      shopParty,
      conversationId,
      {
        type: 'text',
        text: { body: text },
      },
      at,
    );
    expect((await webhook(tiktokDelivery('im_receive_msg', SHOP.openId, content))).statusCode).toBe(
      200,
    );
    await eventually(async () =>
      expect((await historyWith(person.id)).map((m) => m.providerMessageId)).toContain(
        content.message_id,
      ),
    );
    return content;
  }

  const send = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'shop-tt', ...payload },
    });

  async function historyWith(userId: string): Promise<HistoryItem[]> {
    const rows = await db.query<{ id: string }[]>(
      `SELECT c.id FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id
        JOIN channel_accounts a ON a.id = c.channel_account_id
        WHERE a.name = 'shop-tt' AND i.type = 'tiktok_user_id' AND i.value = $1`,
      [userId],
    );
    if (!rows[0]) return [];
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${rows[0].id}/messages?limit=100`,
      headers: tenant.headers,
    });
    return (response.json<{ items: HistoryItem[] }>().items ?? []).slice().reverse();
  }

  describe('connecting an account', () => {
    it("registers the app's webhook for direct messages and comments with TikTok (admin only)", async () => {
      const register = (headers: Record<string, string>) =>
        app.inject({ method: 'PUT', url: '/api/v2/tiktok/webhook', headers });
      expect((await register(tenant.headers)).statusCode).toBe(403);
      const response = await register(adminHeaders);
      expect(response.statusCode).toBe(200);
      const { callbackUrl } = response.json<{ callbackUrl: string }>();
      expect(callbackUrl).toMatch(/\/webhooks\/tiktok$/);
      expect(Object.fromEntries(tiktok.webhooks)).toEqual({
        DIRECT_MESSAGE: callbackUrl,
        COMMENT: callbackUrl,
      });
      const calls = tiktok.requests.filter((r) => r.path.endsWith('/business/webhook/update/'));
      expect(calls.map((r) => r.json)).toEqual([
        {
          app_id: APP.id,
          secret: APP.secret,
          event_type: 'DIRECT_MESSAGE',
          callback_url: callbackUrl,
        },
        { app_id: APP.id, secret: APP.secret, event_type: 'COMMENT', callback_url: callbackUrl },
      ]);
    });

    it('refuses an account registered in an excluded region before any OAuth starts', async () => {
      for (const region of ['DE', 'ch', 'GB']) {
        const response = await start(`excluded-${region}`, region);
        expect(response.statusCode).toBe(422);
        expect(response.json()).toMatchObject({ code: 'TIKTOK.REGION_EXCLUDED' });
        expect(response.json().detail).toContain('EEA, Switzerland or the United Kingdom');
      }
    });

    it('connects by OAuth, stores the tokens encrypted and refuses the same state twice', async () => {
      const { response, replay, authorize } = await connect('shop-tt', SHOP.openId);
      expect(authorize.searchParams.get('client_key')).toBe(APP.id);
      expect(authorize.searchParams.get('scope')).toContain('message.list.send');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        hub: 'tiktok',
        provider: 'tiktok-business',
        externalId: SHOP.openId,
        status: 'active',
      });
      const exchange = tiktok.requests.find((r) => r.path.endsWith('/tt_user/oauth2/token/'));
      expect(exchange?.json).toMatchObject({
        client_id: APP.id,
        client_secret: APP.secret,
        grant_type: 'authorization_code',
        redirect_uri: authorize.searchParams.get('redirect_uri'),
      });
      const [row] = await db.query<{ credentials: string }[]>(
        `SELECT credentials FROM channel_accounts WHERE external_id = $1`,
        [SHOP.openId],
      );
      expect(row.credentials).not.toContain('act.');
      expect(row.credentials).not.toContain('rft.');

      const again = await replay();
      expect(again.statusCode).toBe(422);
      expect(again.json()).toMatchObject({ code: 'TIKTOK.OAUTH_STATE_REFUSED' });
    });

    it('refuses a forged state', async () => {
      const response = await app.inject({
        method: 'GET',
        url: `/api/v2/tiktok/oauth/callback?code=x&state=${Buffer.from('{}').toString('base64url')}.forged`,
      });
      expect(response.statusCode).toBe(422);
    });

    it('reports the status and the health of the account', async () => {
      const status = await app.inject({
        method: 'GET',
        url: '/api/v2/tiktok/status/shop-tt',
        headers: tenant.headers,
      });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({
        openId: SHOP.openId,
        status: 'active',
        circuit: 'closed',
      });
      const health = await app.inject({
        method: 'GET',
        url: '/api/v2/tiktok/health',
        headers: tenant.headers,
      });
      expect(health.json().providers).toEqual([
        expect.objectContaining({ provider: 'tiktok-business', status: 'up' }),
      ]);
    });
  });

  describe('receiving', () => {
    const ana: Party = { id: 'user-ana-0001', name: 'ana.souza' };

    it('refuses a bad signature or a stale timestamp with 401 and stores nothing', async () => {
      const content = messageContent(ana, shopParty, 'conv-ana', {
        type: 'text',
        text: { body: 'oi' },
      });
      const body = tiktokDelivery('im_receive_msg', SHOP.openId, content);
      expect((await webhook(body, 'not-the-app-secret-at-all')).statusCode).toBe(401);
      const stale = Math.floor(Date.now() / 1000) - 3600;
      expect((await webhook(body, APP.secret, stale)).statusCode).toBe(401);
      const unsigned = await app.inject({
        method: 'POST',
        url: '/webhooks/tiktok',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(unsigned.statusCode).toBe(401);
      const rows = await db.query(
        `SELECT 1 FROM inbound_events WHERE strpos(payload::text, $1) > 0`,
        [String(content.message_id)],
      );
      expect(rows).toHaveLength(0);
    });

    it('stores a text, an image by media id and a shared post, each once however often delivered', async () => {
      const text = await personWrites(ana, 'conv-ana', 'Vocês entregam?');
      expect((await webhook(tiktokDelivery('im_receive_msg', SHOP.openId, text))).statusCode).toBe(
        200,
      );
      // Each delivery is its own job: each is stored before the next is delivered, so the
      // history's order is the order they were written in, not the race of two workers.
      await eventually(async () => expect(await historyWith(ana.id)).toHaveLength(1));
      const image = messageContent(ana, shopParty, 'conv-ana', {
        type: 'image',
        image: { media_id: 'v10033g50000media' },
      });
      const post = messageContent(ana, shopParty, 'conv-ana', {
        type: 'share_post',
        share_post: { embed_url: 'https://www.tiktok.com/embed/7300000000000000001' },
      });
      await webhook(tiktokDelivery('im_receive_msg', SHOP.openId, image));
      await eventually(async () => expect(await historyWith(ana.id)).toHaveLength(2));
      await webhook(tiktokDelivery('im_receive_msg', SHOP.openId, post));
      await eventually(async () => {
        const history = await historyWith(ana.id);
        expect(history.map((m) => [m.direction, m.type])).toEqual([
          ['inbound', 'text'],
          ['inbound', 'image'],
          ['inbound', 'unsupported'],
        ]);
        expect(history[0].content).toMatchObject({ text: 'Vocês entregam?' });
        expect(history[1].content).toMatchObject({ media: { mediaId: 'v10033g50000media' } });
        expect(history[2].content).toMatchObject({ platformType: 'share_post' });
      });
    });

    it("serves a received image's bytes at its media link, downloaded through TikTok's media download with the documented body", async () => {
      const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 7, 7]);
      const content = messageContent(ana, shopParty, 'conv-ana', { type: 'image' });
      const mediaId = tiktok.receiveImage(
        SHOP.openId,
        { conversationId: 'conv-ana', messageId: String(content.message_id) },
        PHOTO,
      );
      content.image = { media_id: mediaId };
      expect(
        (await webhook(tiktokDelivery('im_receive_msg', SHOP.openId, content))).statusCode,
      ).toBe(200);
      const image = await eventually(async () => {
        const found = (await historyWith(ana.id)).find(
          (m) => m.providerMessageId === content.message_id,
        );
        expect(found).toBeDefined();
        return found!;
      });
      const link = new URL(app.get(MediaLinks).link({ tenantId: tenant.id, messageId: image.id }));
      const response = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('image/jpeg');
      expect(response.rawPayload.equals(PHOTO)).toBe(true);
      const asked = tiktok.requests.findLast((r) =>
        r.path.endsWith('/business/message/media/download/'),
      );
      expect(asked?.json).toEqual({
        business_id: SHOP.openId,
        conversation_id: 'conv-ana',
        message_id: content.message_id,
        media_id: mediaId,
        media_type: 'IMAGE',
      });
      expect(typeof asked?.headers['access-token']).toBe('string');
    });

    it('parses a content that is not JSON defensively: acknowledged, nothing stored', async () => {
      const body = { ...tiktokDelivery('im_receive_msg', SHOP.openId, {}), content: '{not json' };
      expect((await webhook(body)).statusCode).toBe(200);
    });
  });

  describe('sending', () => {
    const bea: Party = { id: 'user-bea-0002', name: 'bea.lima' };

    it('sends a text reply to the conversation with the documented body, and its echo adds no second message', async () => {
      const inbound = await personWrites(bea, 'conv-bea', 'Qual o preço?');
      const response = await send({
        to: bea.id,
        type: 'text',
        text: { body: 'R$ 50,00' },
        replyTo: String(inbound.message_id),
      });
      expect(response.statusCode).toBe(202);
      const sent = await eventually(() => {
        const found = tiktok.sent.find(
          (s) => (s.body.text as { body?: string })?.body === 'R$ 50,00',
        );
        expect(found).toBeDefined();
        return Promise.resolve(found!);
      });
      expect(sent.body).toEqual({
        business_id: SHOP.openId,
        recipient_type: 'CONVERSATION',
        recipient: 'conv-bea',
        message_type: 'TEXT',
        text: { body: 'R$ 50,00' },
        referenced_message_info: { referenced_message_id: inbound.message_id },
      });
      const request = tiktok.requests.findLast((r) => r.path.endsWith('/business/message/send/'));
      expect(typeof request?.headers['access-token']).toBe('string');

      const echo = messageContent(
        shopParty,
        bea,
        'conv-bea',
        { type: 'text', text: { body: 'R$ 50,00' } },
        Date.now(),
        sent.messageId,
      );
      expect((await webhook(tiktokDelivery('im_send_msg', SHOP.openId, echo))).statusCode).toBe(
        200,
      );
      const typedInApp = messageContent(shopParty, bea, 'conv-bea', {
        type: 'text',
        text: { body: 'Respondido pelo app' },
      });
      await webhook(tiktokDelivery('im_send_msg', SHOP.openId, typedInApp));
      await eventually(async () => {
        const outbound = (await historyWith(bea.id)).filter((m) => m.direction === 'outbound');
        expect(outbound.map((m) => m.providerMessageId)).toEqual([
          sent.messageId,
          typedInApp.message_id,
        ]);
      });

      // The person reads everything up to now: our messages read.
      await webhook(
        tiktokDelivery('im_mark_read_msg', SHOP.openId, readContent(bea, 'conv-bea', Date.now())),
      );
      await eventually(async () => {
        const ours = (await historyWith(bea.id)).find(
          (m) => m.providerMessageId === sent.messageId,
        );
        expect(ours?.status).toBe('read');
      });
    });

    it('refuses the 11th reply after the person last wrote with 422, before TikTok is called', async () => {
      const cid: Party = { id: 'user-cid-0003', name: 'cid' };
      await personWrites(cid, 'conv-cid', 'Oi');
      for (let i = 1; i <= 10; i += 1) {
        const accepted = await send({ to: cid.id, type: 'text', text: { body: `resposta ${i}` } });
        expect(accepted.statusCode).toBe(202);
      }
      await eventually(() =>
        Promise.resolve(
          expect(tiktok.sent.filter((s) => s.body.recipient === 'conv-cid')).toHaveLength(10),
        ),
      );
      const eleventh = await send({ to: cid.id, type: 'text', text: { body: 'resposta 11' } });
      expect(eleventh.statusCode).toBe(422);
      expect(eleventh.json()).toMatchObject({ code: 'TIKTOK.REPLY_LIMIT_REACHED' });
      expect(tiktok.sent.filter((s) => s.body.recipient === 'conv-cid')).toHaveLength(10);

      // The person writes again: a new window and a new count.
      await personWrites(cid, 'conv-cid', 'Mais uma pergunta');
      expect((await send({ to: cid.id, type: 'text', text: { body: 'claro' } })).statusCode).toBe(
        202,
      );
    });

    it('lets one of two replies sent at once at 9 replies through and refuses the other with 422 before TikTok is called', async () => {
      const eva: Party = { id: 'user-eva-0005', name: 'eva' };
      await personWrites(eva, 'conv-eva', 'Oi');
      for (let i = 1; i <= 9; i += 1) {
        expect((await send({ to: eva.id, type: 'text', text: { body: `r${i}` } })).statusCode).toBe(
          202,
        );
      }
      const both = await Promise.all([
        send({ to: eva.id, type: 'text', text: { body: 'r10a' } }),
        send({ to: eva.id, type: 'text', text: { body: 'r10b' } }),
      ]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([202, 422]);
      expect(both.find((r) => r.statusCode === 422)?.json()).toMatchObject({
        code: 'TIKTOK.REPLY_LIMIT_REACHED',
      });
      await eventually(() =>
        Promise.resolve(
          expect(tiktok.sent.filter((s) => s.body.recipient === 'conv-eva')).toHaveLength(10),
        ),
      );
    });

    it('refuses a reply 48 hours after the person last wrote with 422', async () => {
      const dan: Party = { id: 'user-dan-0004', name: 'dan' };
      await personWrites(dan, 'conv-dan', 'Oi', Date.now() - 49 * 3_600_000);
      const late = await send({ to: dan.id, type: 'text', text: { body: 'desculpe a demora' } });
      expect(late.statusCode).toBe(422);
      expect(late.json()).toMatchObject({ code: 'TIKTOK.REPLY_WINDOW_CLOSED' });
      expect(tiktok.sent.some((s) => s.body.recipient === 'conv-dan')).toBe(false);
    });
  });

  describe('comments', () => {
    const VIDEO = '7300000000000000777';
    const base = '/api/v2/tiktok/accounts/shop-tt';
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      app.inject({
        method,
        url: `${base}${url}`,
        headers: tenant.headers,
        ...(payload ? { payload } : {}),
      });

    it('lists the comments of a video newest first, page by page', async () => {
      const first = tiktok.comments.add(VIDEO, 'Tem tamanho M?');
      const second = tiktok.comments.add(VIDEO, 'Entrega em SP?');
      const page = await call('GET', `/videos/${VIDEO}/comments?limit=1`);
      expect(page.statusCode).toBe(200);
      expect(page.json()).toEqual({
        items: [
          expect.objectContaining({ commentId: second.comment_id, own: false, hidden: false }),
        ],
        nextCursor: '1',
      });
      const next = await call('GET', `/videos/${VIDEO}/comments?limit=1&cursor=1`);
      expect(next.json()).toEqual({
        items: [expect.objectContaining({ commentId: first.comment_id, text: 'Tem tamanho M?' })],
      });
      const request = tiktok.requests.findLast((r) => r.path.endsWith('/business/comment/list/'));
      expect(request?.query).toMatchObject({ business_id: SHOP.openId, video_id: VIDEO });
    });

    it('replies, hides and deletes through the documented endpoints', async () => {
      const comment = tiktok.comments.add(VIDEO, 'Quanto custa?');
      const replied = await call(
        'POST',
        `/videos/${VIDEO}/comments/${comment.comment_id}/replies`,
        {
          text: 'Chama no direct!',
        },
      );
      expect(replied.statusCode).toBe(201);
      const replyId = replied.json<{ commentId: string }>().commentId;
      expect(tiktok.comments.of(VIDEO).find((c) => c.comment_id === replyId)).toMatchObject({
        parent_comment_id: comment.comment_id,
        text: 'Chama no direct!',
      });

      const hidden = await call(
        'POST',
        `/videos/${VIDEO}/comments/${comment.comment_id}/visibility`,
        { hidden: true },
      );
      expect(hidden.statusCode).toBe(204);
      expect(comment.status).toBe('HIDDEN');

      expect((await call('DELETE', `/comments/${replyId}`)).statusCode).toBe(204);
      expect(tiktok.comments.of(VIDEO).some((c) => c.comment_id === replyId)).toBe(false);
      // TikTok deletes only the account's own comments: its refusal is a 422 with its code.
      const refused = await call('DELETE', `/comments/${comment.comment_id}`);
      expect(refused.statusCode).toBe(422);
    });

    it("stores a video's comments from TikTok's comment webhook as that video's thread, once however often delivered, in step with replies, hides and deletes", async () => {
      const VIDEO2 = '7300000000000000888';
      const comment = tiktok.comments.add(VIDEO2, 'Tem na cor azul?', 'carla');
      const inserted = tiktokDelivery(
        'comment.update',
        SHOP.openId,
        commentContent(comment, 'insert'),
      );
      expect((await webhook(inserted)).statusCode).toBe(200);
      expect((await webhook(inserted)).statusCode).toBe(200);
      const thread = () => call('GET', `/comment-threads/${VIDEO2}/comments`);
      await eventually(async () =>
        expect((await thread()).json()).toEqual({
          items: [
            expect.objectContaining({
              commentId: comment.comment_id,
              text: 'Tem na cor azul?',
              authorUsername: 'carla',
              authorUserId: 'user-carla',
              own: false,
              visibility: 'public',
            }),
          ],
          nextCursor: null,
        }),
      );
      const inbox = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbound_events WHERE source = 'tiktok' AND external_id LIKE $1`,
        [`%:comment:${comment.comment_id}:%`],
      );
      expect(inbox[0].n).toBe(1);
      const threads = await call('GET', '/comment-threads');
      expect(threads.json().items[0]).toMatchObject({ videoId: VIDEO2, comments: 1 });

      // Our reply is in the thread at once; TikTok's notification of it adds nothing.
      const replied = await call(
        'POST',
        `/videos/${VIDEO2}/comments/${comment.comment_id}/replies`,
        {
          text: 'Temos sim!',
        },
      );
      const replyId = replied.json<{ commentId: string }>().commentId;
      const reply = tiktok.comments.of(VIDEO2).find((c) => c.comment_id === replyId)!;
      await webhook(tiktokDelivery('comment.update', SHOP.openId, commentContent(reply, 'insert')));
      // Hidden here, shown again in TikTok's app, then deleted by its author.
      await call('POST', `/videos/${VIDEO2}/comments/${comment.comment_id}/visibility`, {
        hidden: true,
      });
      expect((await thread()).json().items[1]).toMatchObject({ visibility: 'hidden' });
      await webhook(
        tiktokDelivery(
          'comment.update',
          SHOP.openId,
          commentContent(comment, 'set_to_public', Date.now() + 1),
        ),
      );
      await eventually(async () =>
        expect((await thread()).json().items[1]).toMatchObject({ visibility: 'public' }),
      );
      await webhook(
        tiktokDelivery(
          'comment.update',
          SHOP.openId,
          commentContent(comment, 'delete', Date.now() + 2),
        ),
      );
      await eventually(async () => {
        const items = (await thread()).json<{ items: Record<string, unknown>[] }>().items;
        expect(items).toEqual([
          expect.objectContaining({
            commentId: replyId,
            parentCommentId: comment.comment_id,
            text: 'Temos sim!',
            own: true,
            visibility: 'public',
          }),
          expect.objectContaining({
            commentId: comment.comment_id,
            text: null,
            visibility: 'deleted',
          }),
        ]);
      });
      expect((await call('GET', '/comment-threads')).json().items[0]).toMatchObject({
        videoId: VIDEO2,
        comments: 2,
      });
      // Page by page, newest first; a cursor this API did not issue is a 400 naming it.
      const first = (await call('GET', `/comment-threads/${VIDEO2}/comments?limit=1`)).json<{
        items: { commentId: string }[];
        nextCursor: string;
      }>();
      expect(first.items.map((c) => c.commentId)).toEqual([replyId]);
      const second = await call(
        'GET',
        `/comment-threads/${VIDEO2}/comments?limit=1&cursor=${first.nextCursor}`,
      );
      expect(second.json()).toEqual({
        items: [expect.objectContaining({ commentId: comment.comment_id })],
        nextCursor: null,
      });
      const forged = await call('GET', `/comment-threads/${VIDEO2}/comments?cursor=bm90LW91cnM`);
      expect(forged.statusCode).toBe(400);
      expect(forged.json().errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });

    it('refuses a reply over 150 characters before calling TikTok', async () => {
      const comment = tiktok.comments.add(VIDEO, 'Oi');
      const before = tiktok.requests.length;
      const response = await call(
        'POST',
        `/videos/${VIDEO}/comments/${comment.comment_id}/replies`,
        {
          text: 'a'.repeat(151),
        },
      );
      expect(response.statusCode).toBe(400);
      expect(tiktok.requests).toHaveLength(before);
    });

    it('answers 404 for an unknown account and 400 for an id that is no TikTok id', async () => {
      expect((await call('GET', '/videos/not-an-id/comments')).statusCode).toBe(400);
      const unknown = await app.inject({
        method: 'GET',
        url: `/api/v2/tiktok/accounts/no-such-account/videos/${VIDEO}/comments`,
        headers: tenant.headers,
      });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('tokens', () => {
    const credentialsOf = async (name: string) =>
      (await app.get(ChannelAccountsService).open<TikTokCredentials>(tenant.id, name)).credentials;

    it('refreshes once across concurrent callers and stores the rotated refresh token', async () => {
      tiktok.lifetimes = { accessSeconds: 60, refreshSeconds: 31_536_000 };
      const { response } = await connect('other-tt', OTHER.openId);
      expect(response.statusCode).toBe(200);
      const before = await credentialsOf('other-tt');
      const account = await app
        .get(ChannelAccountsService)
        .open<TikTokCredentials>(tenant.id, 'other-tt');
      const refreshesBefore = tiktok.requests.filter((r) =>
        r.path.endsWith('/refresh_token/'),
      ).length;

      const tokens = app.get(TikTokTokens);
      const [a, b] = await Promise.all([tokens.refresh(account), tokens.refresh(account)]);
      expect(a.accessToken).toBe(b.accessToken);
      expect(tiktok.requests.filter((r) => r.path.endsWith('/refresh_token/'))).toHaveLength(
        refreshesBefore + 1,
      );
      const after = await credentialsOf('other-tt');
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(tiktok.liveRefreshTokens(OTHER.openId)).toEqual([after.refreshToken]);
      expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    });

    it('renews a refresh token nearing its end even when the account is idle, and no other', async () => {
      const keeper = app.get(TikTokTokenKeeper);
      const before = await credentialsOf('other-tt');
      await keeper.run(Date.now());
      expect((await credentialsOf('other-tt')).refreshToken).toBe(before.refreshToken);

      const in340Days = Date.now() + 340 * 24 * 3_600_000;
      const report = await keeper.run(in340Days);
      expect(report.renewed).toBeGreaterThanOrEqual(1);
      const after = await credentialsOf('other-tt');
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(tiktok.liveRefreshTokens(OTHER.openId)).toEqual([after.refreshToken]);
    });

    it('marks the account needs_reauth when the holder revoked access', async () => {
      tiktok.revoke(OTHER.openId);
      const account = await app
        .get(ChannelAccountsService)
        .open<TikTokCredentials>(tenant.id, 'other-tt');
      await expect(app.get(TikTokTokens).refresh(account)).rejects.toMatchObject({
        failure: 'auth',
      });
      const status = await app.inject({
        method: 'GET',
        url: '/api/v2/tiktok/status/other-tt',
        headers: tenant.headers,
      });
      expect(status.json()).toMatchObject({ status: 'needs_reauth' });
    });
  });
});
