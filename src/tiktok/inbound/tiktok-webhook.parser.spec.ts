import { parseTikTokWebhook, tiktokInboxIdOf } from './tiktok-webhook.parser';

const SHOP = '-000shop';
const envelope = (event: string, content: unknown) => ({
  client_key: 'app',
  event,
  create_time: 1765000000,
  user_openid: SHOP,
  content: typeof content === 'string' ? content : JSON.stringify(content),
});
const message = (from: string, to: string, extra: Record<string, unknown>) => ({
  conversation_id: 'conv-1',
  message_id: 'msg-1',
  timestamp: 1765000000123,
  from: from === SHOP ? 'loja' : 'ana',
  from_user: { id: from },
  to: to === SHOP ? 'loja' : 'ana',
  to_user: { id: to },
  ...extra,
});

describe('TikTok webhook parser', () => {
  it("reads a person's text into an inbound message keyed by the user id, at TikTok's ms timestamp", () => {
    const event = parseTikTokWebhook(
      envelope('im_receive_msg', message('user-1', SHOP, { type: 'text', text: { body: 'oi' } })),
    );
    expect(event).toMatchObject({
      kind: 'message',
      businessId: SHOP,
      conversationId: 'conv-1',
      userId: 'user-1',
      message: {
        accountExternalId: SHOP,
        providerMessageId: 'msg-1',
        from: { address: 'user-1', addressType: 'tiktok_user_id', name: 'ana' },
        sentAt: new Date(1765000000123),
        content: { type: 'text', text: 'oi' },
      },
    });
    expect(event.kind === 'message' && event.message.fromMe).toBeUndefined();
    expect(tiktokInboxIdOf(event)).toBe(`${SHOP}:msg:msg-1`);
  });

  it('reads an image by media id (with the conversation and message its download needs), a shared post and a reply reference', () => {
    const image = parseTikTokWebhook(
      envelope(
        'im_receive_msg',
        message('user-1', SHOP, {
          type: 'image',
          image: { media_id: 'm-1' },
          referenced_message_info: { referenced_message_id: 'msg-0' },
        }),
      ),
    );
    expect(image).toMatchObject({
      message: {
        content: {
          type: 'image',
          media: { mediaId: 'm-1', locator: { conversationId: 'conv-1', messageId: 'msg-1' } },
        },
      },
    });
    expect(image.kind === 'message' && image.message.replyToProviderMessageId).toBe('msg-0');
    const post = parseTikTokWebhook(
      envelope(
        'im_receive_msg',
        message('user-1', SHOP, { type: 'share_post', share_post: { embed_url: 'https://e/1' } }),
      ),
    );
    expect(post).toMatchObject({
      message: {
        content: { type: 'unsupported', platformType: 'share_post', detail: 'https://e/1' },
      },
    });
  });

  it("reads im_send_msg as the business's own message to the person (an echo)", () => {
    const event = parseTikTokWebhook(
      envelope('im_send_msg', message(SHOP, 'user-1', { type: 'text', text: { body: 'olá' } })),
    );
    expect(event).toMatchObject({
      kind: 'message',
      userId: 'user-1',
      message: { fromMe: true, from: { address: 'user-1' } },
    });
  });

  it("reads the person's read receipt, and ignores the business reading", () => {
    const read = (reader: string) =>
      parseTikTokWebhook(
        envelope('im_mark_read_msg', {
          conversation_id: 'conv-1',
          from_user: { id: reader },
          read: { last_read_timestamp: 1765000000999 },
        }),
      );
    expect(read('user-1')).toEqual({
      kind: 'read',
      businessId: SHOP,
      conversationId: 'conv-1',
      readUpTo: new Date(1765000000999),
    });
    expect(read(SHOP)).toMatchObject({ kind: 'ignored' });
  });

  it('ignores, without quoting it, content that is not JSON or lacks what a message needs', () => {
    for (const payload of [
      envelope('im_receive_msg', '{"conversation_id":'),
      envelope('im_receive_msg', '"just a string"'),
      envelope('im_receive_msg', { conversation_id: 'c', message_id: 'm' }),
      envelope('im_receive_msg', message('user-1', SHOP, { timestamp: 'yesterday' })),
      envelope('some_other_event', {}),
      { event: 'im_receive_msg' },
      null,
      'text',
    ]) {
      const event = parseTikTokWebhook(payload);
      expect(event.kind).toBe('ignored');
      expect(JSON.stringify(event)).not.toContain('user-1');
    }
  });

  it('maps an unknown message type to unsupported, naming the type', () => {
    expect(
      parseTikTokWebhook(envelope('im_receive_msg', message('user-1', SHOP, { type: 'sticker' }))),
    ).toMatchObject({ message: { content: { type: 'unsupported', platformType: 'sticker' } } });
  });

  describe('comment notifications (comment.update)', () => {
    const news = (extra: Record<string, unknown>) =>
      envelope('comment.update', {
        comment_id: '7300000000000000101',
        video_id: '7300000000000000777',
        parent_comment_id: '7300000000000000101',
        comment_type: 'comment',
        comment_action: 'insert',
        timestamp: 1765000000123,
        unique_identifier: 'n-1',
        ...extra,
      });

    it('reads a new comment on a video, its own parent meaning none, at its ms timestamp', () => {
      const event = parseTikTokWebhook(news({}));
      expect(event).toEqual({
        kind: 'comment',
        businessId: SHOP,
        commentId: '7300000000000000101',
        videoId: '7300000000000000777',
        action: 'insert',
        at: new Date(1765000000123),
        notificationId: 'n-1',
      });
      expect(tiktokInboxIdOf(event)).toBe(`${SHOP}:comment:7300000000000000101:n-1`);
    });

    it('reads a reply with its parent, and hide, show and delete actions', () => {
      expect(
        parseTikTokWebhook(
          news({ parent_comment_id: '7300000000000000100', comment_type: 'reply' }),
        ),
      ).toMatchObject({ parentCommentId: '7300000000000000100' });
      for (const action of ['delete', 'set_to_hidden', 'set_to_public']) {
        expect(parseTikTokWebhook(news({ comment_action: action }))).toMatchObject({ action });
      }
    });

    it('tells two changes of one comment apart without a notification id, but not redeliveries', () => {
      const hide = parseTikTokWebhook(
        news({ unique_identifier: undefined, comment_action: 'set_to_hidden' }),
      );
      const show = parseTikTokWebhook(
        news({ unique_identifier: undefined, comment_action: 'set_to_public' }),
      );
      expect(tiktokInboxIdOf(hide)).not.toBe(tiktokInboxIdOf(show));
      expect(tiktokInboxIdOf(hide)).toBe(
        tiktokInboxIdOf(
          parseTikTokWebhook(
            news({ unique_identifier: undefined, comment_action: 'set_to_hidden' }),
          ),
        ),
      );
    });

    it('ignores a notification without ids, with an unknown action or without a time', () => {
      expect(parseTikTokWebhook(news({ comment_id: undefined }))).toMatchObject({
        kind: 'ignored',
      });
      expect(parseTikTokWebhook(news({ video_id: 'not an id!' }))).toMatchObject({
        kind: 'ignored',
      });
      expect(parseTikTokWebhook(news({ comment_action: 'pin' }))).toMatchObject({
        kind: 'ignored',
      });
      const untimed = { ...news({ timestamp: undefined }), create_time: undefined };
      expect(parseTikTokWebhook(untimed)).toMatchObject({ kind: 'ignored' });
    });
  });
});
