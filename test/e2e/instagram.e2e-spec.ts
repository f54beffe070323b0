import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { InstagramGraphFake } from '@test/fakes/instagram/instagram-graph-fake';
import { echoTo, fromPerson, instagramDelivery, newMid } from '@test/fakes/instagram/webhooks';
import { eventually } from '@test/support/eventually';
import {
  INSTAGRAM_GRAPH_VERSION as VERSION,
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';
import { TestTenant, createTenant } from '@test/support/test-app';

const SHOP = fakeInstagramAccount('011', 'loja.exemplo');
const OTHER = fakeInstagramAccount('012', 'outra.loja');

interface HistoryItem {
  id: string;
  direction: string;
  type: string;
  status: string;
  content: Record<string, unknown>;
  providerMessageId?: string;
}

describe('Instagram Direct end to end', () => {
  let ig: InstagramScenario;
  let app: NestFastifyApplication;
  let db: DataSource;
  let instagram: InstagramGraphFake;
  let facebook: InstagramGraphFake;
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    // No account connected here: connecting is what the first tests are about.
    ig = await startInstagramScenario({
      accounts: [SHOP, OTHER],
      appSecret: 'app-secret-of-the-instagram-meta-app',
      queueName: 'instagram',
      env: { RETRY_BASE_DELAY_MS: '50' },
    });
    ({ app, db, tenant, instagram, facebook } = ig);
  });

  afterAll(async () => {
    await ig?.close();
  });

  const connect = (payload: Record<string, unknown>, headers = tenant.headers) =>
    app.inject({ method: 'POST', url: '/api/v2/instagram/accounts', headers, payload });

  const webhook = (body: unknown, secret?: string) => ig.webhook(body, secret);

  const send = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'shop-ig', ...payload },
    });

  const message = (id: string) =>
    app
      .inject({ method: 'GET', url: `/api/v2/messages/${id}`, headers: tenant.headers })
      .then((r) => r.json<HistoryItem>());

  /** The history of the conversation with this IGSID, oldest first. */
  async function historyWith(igsid: string): Promise<HistoryItem[]> {
    const rows = await db.query<{ id: string }[]>(
      `SELECT c.id FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id
        WHERE c.channel_account_id = $1 AND i.type = 'igsid' AND i.value = $2`,
      [accountId, igsid],
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
    it('refuses a token Meta does not accept with a 422 naming accessToken', async () => {
      const response = await connect({
        name: 'bad-token',
        accountId: SHOP.igId,
        flavour: 'instagram-login',
        accessToken: 'IGAAnotAValidTokenAtAll000000',
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'CHANNEL_ACCOUNT.CREDENTIALS_REJECTED',
        errors: [{ field: 'accessToken' }],
      });
    });

    it("refuses another account's token with a 422 naming accountId", async () => {
      const response = await connect({
        name: 'wrong-account',
        accountId: SHOP.igId,
        flavour: 'instagram-login',
        accessToken: OTHER.instagramToken,
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'CHANNEL_ACCOUNT.NOT_OWNED',
        errors: [{ field: 'accountId' }],
      });
    });

    it('asks for the Page with facebook-login (400 naming pageId)', async () => {
      const response = await connect({
        name: 'no-page',
        accountId: SHOP.igId,
        flavour: 'facebook-login',
        accessToken: SHOP.pageToken,
      });
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json().errors)).toContain('pageId');
    });

    it('connects with Instagram Login after the profile lookup, and answers 409 to a second connect by anyone, naming no one', async () => {
      const response = await connect({
        name: 'shop-ig',
        accountId: SHOP.igId,
        flavour: 'instagram-login',
        accessToken: SHOP.instagramToken,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        hub: 'instagram',
        provider: 'meta-instagram',
        externalId: SHOP.igId,
        status: 'active',
      });
      accountId = response.json().id;
      const lookup = instagram.requests.findLast((r) => r.path === `/${VERSION}/me`);
      expect(lookup?.query).toEqual({ fields: 'user_id,username' });
      expect(lookup?.headers.authorization).toBe(`Bearer ${SHOP.instagramToken}`);

      // The same account through the Page road, by another tenant: proven, then refused.
      const other = await createTenant(app);
      const again = await connect(
        {
          name: 'shop-page',
          accountId: SHOP.igId,
          flavour: 'facebook-login',
          pageId: SHOP.pageId,
          accessToken: SHOP.pageToken,
        },
        other.headers,
      );
      expect(again.statusCode).toBe(409);
      expect(again.body).not.toContain(tenant.id);
    });

    it('reports the status and the health of the account', async () => {
      const status = await app.inject({
        method: 'GET',
        url: '/api/v2/instagram/status/shop-ig',
        headers: tenant.headers,
      });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({
        accountId,
        instagramAccountId: SHOP.igId,
        provider: 'meta-instagram',
        status: 'active',
        circuit: 'closed',
      });
      const health = await app.inject({
        method: 'GET',
        url: '/api/v2/instagram/health',
        headers: tenant.headers,
      });
      expect(health.statusCode).toBe(200);
      expect(health.json().providers).toEqual([
        expect.objectContaining({ provider: 'meta-instagram', status: 'up' }),
      ]);
      expect(health.json().accounts).toEqual([expect.objectContaining({ accountId })]);
    });
  });

  describe('receiving', () => {
    it('refuses a forged or unsigned delivery with 401 and stores nothing', async () => {
      const mid = newMid();
      const body = instagramDelivery(
        SHOP.igId,
        fromPerson(SHOP.igId, '7000000000000001', { message: { mid, text: 'oi' } }),
      );
      expect((await webhook(body, 'forged-secret-of-nobody')).statusCode).toBe(401);
      const unsigned = await app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(unsigned.statusCode).toBe(401);
      const rows = await db.query(
        `SELECT 1 FROM inbound_events WHERE strpos(payload::text, $1) > 0`,
        [mid],
      );
      expect(rows).toHaveLength(0);
    });

    it('stores text, attachments, quick-reply taps, postbacks, replies and reactions in the history', async () => {
      const igsid = '7000000000000002';
      const first = newMid();
      const at = Date.now() - 60_000;
      const events = [
        fromPerson(SHOP.igId, igsid, { message: { mid: first, text: 'Vocês abrem sábado?' } }, at),
        fromPerson(
          SHOP.igId,
          igsid,
          {
            message: {
              mid: newMid(),
              attachments: [
                {
                  type: 'image',
                  payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' },
                },
                { type: 'share', payload: { url: 'https://www.instagram.com/p/xyz' } },
              ],
            },
          },
          at + 1,
        ),
        fromPerson(
          SHOP.igId,
          igsid,
          { message: { mid: newMid(), text: '09:00', quick_reply: { payload: 'SLOT_0900' } } },
          at + 2,
        ),
        fromPerson(
          SHOP.igId,
          igsid,
          { postback: { mid: newMid(), title: 'Ver horários', payload: 'ICEBREAKER_HOURS' } },
          at + 3,
        ),
        fromPerson(
          SHOP.igId,
          igsid,
          { message: { mid: newMid(), text: 'Esse aqui', reply_to: { mid: first } } },
          at + 4,
        ),
        fromPerson(
          SHOP.igId,
          igsid,
          { reaction: { mid: first, action: 'react', reaction: 'love', emoji: '❤️' } },
          at + 5,
        ),
        fromPerson(SHOP.igId, igsid, { reaction: { mid: first, action: 'unreact' } }, at + 6),
      ];
      expect((await webhook(instagramDelivery(SHOP.igId, ...events))).statusCode).toBe(200);

      const history = await eventually(async () => {
        const items = await historyWith(igsid);
        expect(items).toHaveLength(8);
        return items;
      });
      expect(history.map((m) => [m.direction, m.type])).toEqual([
        ['inbound', 'text'],
        ['inbound', 'image'],
        ['inbound', 'unsupported'],
        ['inbound', 'button_reply'],
        ['inbound', 'button_reply'],
        ['inbound', 'text'],
        ['inbound', 'reaction'],
        ['inbound', 'reaction'],
      ]);
      expect(history[0].content).toMatchObject({ text: 'Vocês abrem sábado?' });
      expect(history[2].content).toMatchObject({ platformType: 'instagram.share' });
      expect(history[3].content).toMatchObject({ payload: 'SLOT_0900', text: '09:00' });
      expect(history[4].content).toMatchObject({
        payload: 'ICEBREAKER_HOURS',
        text: 'Ver horários',
      });
      expect(history[6].content).toMatchObject({ targetProviderMessageId: first, emoji: '❤️' });
      expect(history[7].content).toMatchObject({ targetProviderMessageId: first, emoji: null });
    });

    it('stores video, audio and file as media, story mentions, reels and unsupported items by kind, and a story reply as its text', async () => {
      const igsid = '7000000000000006';
      const at = Date.now() - 30_000;
      const cdn = (n: number) => `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${n}`;
      const attachment = (type: string, payload: Record<string, unknown>, n: number) =>
        fromPerson(
          SHOP.igId,
          igsid,
          { message: { mid: newMid(), attachments: [{ type, payload }] } },
          at + n,
        );
      const events = [
        attachment('video', { url: cdn(11) }, 0),
        attachment('audio', { url: cdn(12) }, 1),
        attachment('file', { url: cdn(13) }, 2),
        attachment('story_mention', { url: cdn(14) }, 3),
        attachment('reel', { url: cdn(15), title: 'Bastidores', reel_video_id: '1' }, 4),
        attachment('ig_reel', { url: cdn(16), title: 'Promo', reel_video_id: '2' }, 5),
        fromPerson(SHOP.igId, igsid, { message: { mid: newMid(), is_unsupported: true } }, at + 6),
        fromPerson(
          SHOP.igId,
          igsid,
          {
            message: {
              mid: newMid(),
              text: 'Amei esse story',
              reply_to: { story: { url: cdn(17), id: '17900000000000001' } },
            },
          },
          at + 7,
        ),
      ];
      expect((await webhook(instagramDelivery(SHOP.igId, ...events))).statusCode).toBe(200);

      const history = await eventually(async () => {
        const items = await historyWith(igsid);
        expect(items).toHaveLength(8);
        return items;
      });
      expect(history.map((m) => m.type)).toEqual([
        'video',
        'audio',
        'document',
        'unsupported',
        'unsupported',
        'unsupported',
        'unsupported',
        'text',
      ]);
      expect(history[0].content).toMatchObject({ media: { mediaId: cdn(11) } });
      expect(history[2].content).toMatchObject({ media: { mediaId: cdn(13) } });
      expect(history.slice(3, 7).map((m) => m.content)).toEqual([
        expect.objectContaining({ platformType: 'instagram.story_mention' }),
        expect.objectContaining({ platformType: 'instagram.reel' }),
        expect.objectContaining({ platformType: 'instagram.ig_reel' }),
        expect.objectContaining({ platformType: 'instagram', detail: 'is_unsupported' }),
      ]);
      expect(history[7].content).toMatchObject({ text: 'Amei esse story' });
    });

    it('stores 20 concurrent duplicates of one delivery as one message', async () => {
      const igsid = '7000000000000003';
      const body = instagramDelivery(
        SHOP.igId,
        fromPerson(SHOP.igId, igsid, { message: { mid: newMid(), text: 'Uma vez só' } }),
      );
      const answers = await Promise.all(Array.from({ length: 20 }, () => webhook(body)));
      expect(answers.every((a) => a.statusCode === 200)).toBe(true);
      await eventually(async () => expect(await historyWith(igsid)).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await historyWith(igsid)).toHaveLength(1);
    });
  });

  describe('edits and deletions', () => {
    const igsid = '7000000000000104';
    const at = Date.now();
    const deliver = (event: Record<string, unknown>, when: number) =>
      webhook(instagramDelivery(SHOP.igId, fromPerson(SHOP.igId, igsid, event, when)));
    const events = (messageId: string) =>
      db.query<{ type: string }[]>(
        `SELECT type FROM domain_events WHERE message_id = $1 ORDER BY seq`,
        [messageId],
      );
    type Changed = HistoryItem & { editedAt: string | null; deletedAt: string | null };

    it('shows an edited message with its new text and edit time, once however often Meta redelivers', async () => {
      const mid = newMid();
      await deliver({ message: { mid, text: 'Abre às 8?' } }, at);
      await eventually(async () => expect(await historyWith(igsid)).toHaveLength(1));
      const edit = { message_edit: { mid, text: 'Abre às 9?', num_edit: 1 } };
      for (let i = 0; i < 3; i += 1) expect((await deliver(edit, at + 1_000)).statusCode).toBe(200);
      // An older edit arriving late does not overwrite the newer text.
      await deliver({ message_edit: { mid, text: 'Abre às 7?', num_edit: 0 } }, at + 500);

      const [edited] = await eventually(async () => {
        const items = (await historyWith(igsid)) as Changed[];
        expect(items[0].editedAt).toBe(new Date(at + 1_000).toISOString());
        return items;
      });
      expect(edited.content).toEqual({ text: 'Abre às 9?' });
      expect(edited.deletedAt).toBeNull();
      await eventually(async () =>
        expect(await events(edited.id)).toEqual([
          { type: 'message.received' },
          { type: 'message.edited' },
        ]),
      );
    });

    it('removes the content of an unsent message and records message.deleted once', async () => {
      const mid = newMid();
      await deliver({ message: { mid, text: 'meu CPF é 123' } }, at + 2_000);
      await eventually(async () => expect(await historyWith(igsid)).toHaveLength(2));
      const unsend = { message: { mid, is_deleted: true } };
      await Promise.all([deliver(unsend, at + 3_000), deliver(unsend, at + 3_000)]);

      const deleted = await eventually(async () => {
        const item = ((await historyWith(igsid)) as Changed[])[1];
        expect(item.deletedAt).toBe(new Date(at + 3_000).toISOString());
        return item;
      });
      expect(deleted.content).toEqual({});
      await deliver({ message_edit: { mid, text: 'editado depois' } }, at + 4_000);
      await eventually(async () =>
        expect(await events(deleted.id)).toEqual([
          { type: 'message.received' },
          { type: 'message.deleted' },
        ]),
      );
      expect(((await historyWith(igsid)) as Changed[])[1].content).toEqual({});
    });

    it('removes every photo of an unsent message that carried several, once', async () => {
      const photos = '7000000000000106';
      const mid = newMid();
      const photo = (n: number) => ({
        type: 'image',
        payload: { url: `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${n}` },
      });
      const send = (event: Record<string, unknown>, when: number) =>
        webhook(instagramDelivery(SHOP.igId, fromPerson(SHOP.igId, photos, event, when)));
      await send({ message: { mid, attachments: [photo(1), photo(2), photo(3)] } }, at);
      await eventually(async () => expect(await historyWith(photos)).toHaveLength(3));

      const unsend = { message: { mid, is_deleted: true } };
      await Promise.all([send(unsend, at + 1_000), send(unsend, at + 1_000)]);
      const items = await eventually(async () => {
        const all = (await historyWith(photos)) as Changed[];
        expect(all.map((item) => item.deletedAt)).toEqual(
          Array(3).fill(new Date(at + 1_000).toISOString()),
        );
        return all;
      });
      expect(items.map((item) => item.content)).toEqual([{}, {}, {}]);
      for (const item of items) {
        await eventually(async () =>
          expect(await events(item.id)).toEqual([
            { type: 'message.received' },
            { type: 'message.deleted' },
          ]),
        );
      }
    });

    it('acknowledges an edit or deletion of a message it never stored, creating nothing', async () => {
      const stranger = '7000000000000105';
      const mid = newMid();
      const body = (event: Record<string, unknown>) =>
        instagramDelivery(SHOP.igId, fromPerson(SHOP.igId, stranger, event));
      expect((await webhook(body({ message_edit: { mid, text: 'x' } }))).statusCode).toBe(200);
      expect((await webhook(body({ message: { mid, is_deleted: true } }))).statusCode).toBe(200);
      await eventually(async () => {
        const [row] = await db.query<{ pending: number }[]>(
          `SELECT count(*)::int AS pending FROM inbound_events WHERE processed_at IS NULL`,
        );
        expect(row.pending).toBe(0);
      });
      expect(await historyWith(stranger)).toEqual([]);
    });
  });

  describe('sender actions route (what the frontend calls while an agent types)', () => {
    const shopPerson = '7000000000000201';
    const pagePerson = '7000000000000202';
    const quietPerson = '7000000000000203';
    const senderAction = (payload: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/api/v2/instagram/sender-actions',
        headers: tenant.headers,
        payload,
      });
    const writes = async (igId: string, igsid: string, at = Date.now()) => {
      await webhook(
        instagramDelivery(
          igId,
          fromPerson(igId, igsid, { message: { mid: newMid(), text: 'Oi' } }, at),
        ),
      );
      await eventually(async () => {
        const [row] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM contact_identities WHERE type = 'igsid' AND value = $1`,
          [igsid],
        );
        expect(row.n).toBe(1);
      });
    };
    const reached = (fake: InstagramGraphFake, igsid: string, action: string) =>
      eventually(() => {
        const sent = fake
          .sent()
          .find(
            (m) =>
              m.body.sender_action === action && (m.body.recipient as { id: string }).id === igsid,
          );
        expect(sent).toBeDefined();
        return Promise.resolve(sent!);
      });

    beforeAll(async () => {
      // The second account, Page-linked, with the HUMAN_AGENT setting on.
      const connected = await connect({
        name: 'other-page',
        accountId: OTHER.igId,
        flavour: 'facebook-login',
        pageId: OTHER.pageId,
        accessToken: OTHER.pageToken,
        humanAgentTag: true,
      });
      expect(connected.statusCode).toBe(201);
      await writes(SHOP.igId, shopPerson);
      await writes(OTHER.igId, pagePerson);
      await writes(OTHER.igId, quietPerson, Date.now() - 30 * 3_600_000);
    });

    it.each(['typing_on', 'typing_off', 'mark_seen'])(
      'sends %s with Instagram Login to /{ig-id}/messages with the documented body',
      async (action) => {
        const accepted = await senderAction({
          channelAccountId: 'shop-ig',
          to: shopPerson,
          action,
        });
        expect(accepted.statusCode).toBe(202);
        expect(accepted.json()).toMatchObject({ status: 'queued' });
        const sent = await reached(instagram, shopPerson, action);
        expect(sent.senderId).toBe(SHOP.igId);
        expect(sent.body).toEqual({ recipient: { id: shopPerson }, sender_action: action });
      },
    );

    it.each(['typing_on', 'typing_off', 'mark_seen'])(
      'sends %s through the linked Page to /{page-id}/messages with the documented body',
      async (action) => {
        const accepted = await senderAction({
          channelAccountId: 'other-page',
          to: pagePerson,
          action,
        });
        expect(accepted.statusCode).toBe(202);
        const sent = await reached(facebook, pagePerson, action);
        expect(sent.senderId).toBe(OTHER.pageId);
        expect(sent.body).toEqual({ recipient: { id: pagePerson }, sender_action: action });
      },
    );

    it('refuses typing after 24 hours with a 422 even where HUMAN_AGENT lets a text through', async () => {
      const typing = await senderAction({
        channelAccountId: 'other-page',
        to: quietPerson,
        action: 'typing_on',
      });
      expect(typing.statusCode).toBe(422);
      expect(typing.json().code).toBe('INSTAGRAM.WINDOW_CLOSED');
      const text = await app.inject({
        method: 'POST',
        url: '/api/v2/messages',
        headers: tenant.headers,
        payload: {
          channelAccountId: 'other-page',
          to: quietPerson,
          type: 'text',
          text: { body: 'Oi!' },
        },
      });
      expect(text.statusCode).toBe(202);
      const sent = await eventually(() => {
        const found = facebook
          .sent()
          .find((m) => (m.body.recipient as { id: string }).id === quietPerson);
        expect(found).toBeDefined();
        return Promise.resolve(found!);
      });
      expect(sent.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
      expect(
        facebook
          .sent()
          .some(
            (m) => m.body.sender_action && (m.body.recipient as { id: string }).id === quietPerson,
          ),
      ).toBe(false);
    });

    it('refuses an unknown action or a recipient that is no IGSID with a 400 naming the field', async () => {
      const action = await senderAction({
        channelAccountId: 'shop-ig',
        to: shopPerson,
        action: 'react',
      });
      expect(action.statusCode).toBe(400);
      expect(JSON.stringify(action.json().errors)).toContain('action');
      const to = await senderAction({
        channelAccountId: 'shop-ig',
        to: '+5511999999999',
        action: 'typing_on',
      });
      expect(to.statusCode).toBe(400);
      expect(JSON.stringify(to.json().errors)).toContain('"to"');
    });
  });

  describe('sending', () => {
    const igsid = '7000000000000004';

    beforeAll(async () => {
      await webhook(
        instagramDelivery(
          SHOP.igId,
          fromPerson(SHOP.igId, igsid, { message: { mid: newMid(), text: 'Olá' } }),
        ),
      );
      await eventually(async () => expect(await historyWith(igsid)).toHaveLength(1));
    });

    it('sends a text with quick replies inside the window with the documented body, and a read receipt marks it read', async () => {
      const accepted = await send({
        to: igsid,
        type: 'text',
        text: {
          body: 'Qual horário?',
          quickReplies: [{ type: 'text', title: '09:00', payload: 'SLOT_0900' }],
        },
      });
      expect(accepted.statusCode).toBe(202);
      const id = accepted.json().id as string;
      await eventually(async () => expect((await message(id)).status).toBe('sent'));
      const sent = instagram.sent().find((m) => JSON.stringify(m.body).includes('Qual horário?'));
      expect(sent?.senderId).toBe(SHOP.igId);
      expect(sent?.body).toEqual({
        recipient: { id: igsid },
        message: {
          text: 'Qual horário?',
          quick_replies: [{ content_type: 'text', title: '09:00', payload: 'SLOT_0900' }],
        },
      });

      // Our own send echoed back: no second message.
      await webhook(
        instagramDelivery(
          SHOP.igId,
          echoTo(SHOP.igId, igsid, { mid: sent!.messageId, text: 'Qual horário?' }),
        ),
      );
      await webhook(
        instagramDelivery(
          SHOP.igId,
          fromPerson(SHOP.igId, igsid, { read: { mid: sent!.messageId } }),
        ),
      );
      await eventually(async () => expect((await message(id)).status).toBe('read'));
      const outbound = (await historyWith(igsid)).filter((m) => m.direction === 'outbound');
      expect(outbound).toHaveLength(1);
    });

    it('settles our send by its echo when the echo arrives before Meta answers the send, storing one message', async () => {
      const mid = newMid();
      // Meta takes its time to answer this send; its echo comes through the webhook first.
      // Only the send takes it: a profile lookup the app makes meanwhile must not.
      instagram.failNext(
        1,
        { status: 200, body: { recipient_id: igsid, message_id: mid }, delayMs: 1_500 },
        (request) => request.method === 'POST' && request.path.endsWith('/messages'),
      );
      const accepted = await send({ to: igsid, type: 'text', text: { body: 'Chegou antes' } });
      expect(accepted.statusCode).toBe(202);
      const id = accepted.json().id as string;
      await eventually(() => {
        expect(
          instagram.requests.some((r) => JSON.stringify(r.json ?? {}).includes('Chegou antes')),
        ).toBe(true);
        return Promise.resolve();
      });
      await webhook(
        instagramDelivery(SHOP.igId, echoTo(SHOP.igId, igsid, { mid, text: 'Chegou antes' })),
      );

      await eventually(async () => {
        const sent = await message(id);
        expect(sent).toMatchObject({ status: 'sent', providerMessageId: mid });
      });
      const copies = (await historyWith(igsid)).filter((m) => m.content.text === 'Chegou antes');
      expect(copies).toHaveLength(1);
    });

    it('stores an echo of a message sent from the Instagram app as outbound', async () => {
      const mid = newMid();
      await webhook(
        instagramDelivery(
          SHOP.igId,
          echoTo(SHOP.igId, igsid, { mid, text: 'Respondido pelo celular' }),
        ),
      );
      await eventually(async () => {
        const echoed = (await historyWith(igsid)).find(
          (m) => m.content.text === 'Respondido pelo celular',
        );
        expect(echoed?.direction).toBe('outbound');
      });
    });

    it('refuses a text over 1,000 bytes and 14 quick replies with a 400 naming the field', async () => {
      const long = await send({ to: igsid, type: 'text', text: { body: 'a'.repeat(1001) } });
      expect(long.statusCode).toBe(400);
      expect(long.json().errors).toEqual([expect.objectContaining({ field: 'text.body' })]);
      const many = await send({
        to: igsid,
        type: 'text',
        text: {
          body: 'Escolha',
          quickReplies: Array.from({ length: 14 }, (_, i) => ({
            type: 'text',
            title: `${i}`,
            payload: `${i}`,
          })),
        },
      });
      expect(many.statusCode).toBe(400);
      expect(many.json().errors).toEqual([expect.objectContaining({ field: 'text.quickReplies' })]);
      const title = await send({
        to: igsid,
        type: 'text',
        text: {
          body: 'Escolha',
          quickReplies: [{ type: 'text', title: 'a'.repeat(21), payload: 'P' }],
        },
      });
      expect(title.statusCode).toBe(400);
      expect(title.json().errors).toEqual([
        expect.objectContaining({ field: 'text.quickReplies[0].title' }),
      ]);
    });

    it('sends a generic template with the documented body, and refuses a 4th button or 11th card with a 400 naming the field', async () => {
      const card = (title: string, buttons?: Record<string, unknown>[]) => ({
        title,
        subtitle: 'Só esta semana',
        ...(buttons ? { buttons } : {}),
      });
      const accepted = await send({
        to: igsid,
        type: 'interactive',
        interactive: {
          type: 'generic',
          elements: [
            card('Kit verão', [{ type: 'postback', title: 'Quero', payload: 'WANT_KIT' }]),
          ],
        },
      });
      expect(accepted.statusCode).toBe(202);
      const id = accepted.json().id as string;
      await eventually(async () => expect((await message(id)).status).toBe('sent'));
      const sent = instagram.sent().find((m) => JSON.stringify(m.body).includes('WANT_KIT'));
      expect(sent?.body).toEqual({
        recipient: { id: igsid },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              elements: [
                {
                  title: 'Kit verão',
                  subtitle: 'Só esta semana',
                  buttons: [{ type: 'postback', title: 'Quero', payload: 'WANT_KIT' }],
                },
              ],
            },
          },
        },
      });

      const button = { type: 'postback', title: 'B', payload: 'P' };
      const buttons = await send({
        to: igsid,
        type: 'interactive',
        interactive: { type: 'generic', elements: [card('A', [button, button, button, button])] },
      });
      expect(buttons.statusCode).toBe(400);
      expect(buttons.json().errors).toEqual([
        expect.objectContaining({ field: 'interactive.elements[0].buttons' }),
      ]);
      const cards = await send({
        to: igsid,
        type: 'interactive',
        interactive: { type: 'generic', elements: Array.from({ length: 11 }, () => card('A')) },
      });
      expect(cards.statusCode).toBe(400);
      expect(cards.json().errors).toEqual([
        expect.objectContaining({ field: 'interactive.elements' }),
      ]);
    });

    it('sends typing_on as a sender action', async () => {
      const accepted = await send({ to: igsid, type: 'sender_action', senderAction: 'typing_on' });
      expect(accepted.statusCode).toBe(202);
      await eventually(() => {
        expect(instagram.sent().some((m) => m.body.sender_action === 'typing_on')).toBe(true);
        return Promise.resolve();
      });
    });

    it('refuses a send outside the 24-hour window with a 422 before anything is queued', async () => {
      const silent = '7000000000000005';
      await webhook(
        instagramDelivery(
          SHOP.igId,
          fromPerson(
            SHOP.igId,
            silent,
            { message: { mid: newMid(), text: 'Oi' } },
            Date.now() - 25 * 3_600_000,
          ),
        ),
      );
      await eventually(async () => expect(await historyWith(silent)).toHaveLength(1));
      const refused = await send({ to: silent, type: 'text', text: { body: 'Ainda aí?' } });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().code).toBe('INSTAGRAM.WINDOW_CLOSED');
      expect((await historyWith(silent)).filter((m) => m.direction === 'outbound')).toHaveLength(0);
    });

    it('marks the account needs_reauth when Meta answers 190', async () => {
      instagram.expire(SHOP.instagramToken);
      const accepted = await send({ to: igsid, type: 'text', text: { body: 'Depois do token' } });
      expect(accepted.statusCode).toBe(202);
      const id = accepted.json().id as string;
      await eventually(async () => expect((await message(id)).status).toBe('failed'));
      const status = await app.inject({
        method: 'GET',
        url: '/api/v2/instagram/status/shop-ig',
        headers: tenant.headers,
      });
      expect(status.json().status).toBe('needs_reauth');
    });
  });
});
