import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundMessage } from '@core/channel/outbound-message';
import { LinkRefusedError } from '@core/http/link-refused.error';
import { InstagramProvider } from '@app/instagram/graph/instagram.provider';
import type { InstagramGraphFake } from '@test/fakes/instagram/instagram-graph-fake';
import {
  CLINIC,
  GRAPH_VERSION,
  PERSON_IGSID,
  SHOP,
  accountFor,
  failureOf,
  startInstagram,
} from './instagram-harness';
import type { StaticHostResolver } from '@test/support/static-host-resolver';

const recipient = { recipient: { id: PERSON_IGSID } };
const MID = 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx';

/** Each outbound message and the exact body Meta documents for it. */
const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'text',
    { type: 'text', text: 'Oi! Abrimos sábado.' },
    { message: { text: 'Oi! Abrimos sábado.' } },
  ],
  [
    'text with quick replies',
    {
      type: 'text',
      text: 'Qual horário?',
      quickReplies: [
        { type: 'text', title: '09:00', payload: 'SLOT_0900' },
        { type: 'email' },
        { type: 'phone' },
      ],
    },
    {
      message: {
        text: 'Qual horário?',
        quick_replies: [
          { content_type: 'text', title: '09:00', payload: 'SLOT_0900' },
          { content_type: 'user_email' },
          { content_type: 'user_phone_number' },
        ],
      },
    },
  ],
  [
    'image by URL',
    { type: 'image', media: { url: 'https://cdn.example.com/vitrine.jpg' } },
    {
      message: {
        attachment: { type: 'image', payload: { url: 'https://cdn.example.com/vitrine.jpg' } },
      },
    },
  ],
  [
    'video by URL',
    { type: 'video', media: { url: 'https://cdn.example.com/demo.mp4' } },
    {
      message: {
        attachment: { type: 'video', payload: { url: 'https://cdn.example.com/demo.mp4' } },
      },
    },
  ],
  [
    'audio by uploaded attachment id',
    { type: 'audio', media: { mediaId: '1857777774821032' } },
    { message: { attachment: { type: 'audio', payload: { attachment_id: '1857777774821032' } } } },
  ],
  [
    'document as a file',
    { type: 'document', media: { url: 'https://cdn.example.com/catalogo.pdf' } },
    {
      message: {
        attachment: { type: 'file', payload: { url: 'https://cdn.example.com/catalogo.pdf' } },
      },
    },
  ],
  [
    'generic media by its MIME type',
    { type: 'media', media: { url: 'https://cdn.example.com/a.m4a', mimeType: 'audio/mp4' } },
    {
      message: { attachment: { type: 'audio', payload: { url: 'https://cdn.example.com/a.m4a' } } },
    },
  ],
  [
    'reaction',
    { type: 'reaction', targetProviderMessageId: MID, emoji: '❤️' },
    { sender_action: 'react', payload: { message_id: MID, reaction: '❤️' } },
  ],
  [
    'unreact (an empty emoji)',
    { type: 'reaction', targetProviderMessageId: MID, emoji: '' },
    { sender_action: 'unreact', payload: { message_id: MID } },
  ],
  [
    'generic template (a carousel of two cards)',
    {
      type: 'interactive',
      interactive: {
        type: 'generic',
        elements: [
          {
            title: 'Vale-presente',
            subtitle: 'De R$ 50 a R$ 500',
            imageUrl: 'https://cdn.example.com/vale.jpg',
            defaultAction: { url: 'https://loja.example.com/vale' },
            buttons: [
              { type: 'web_url', title: 'Comprar', url: 'https://loja.example.com/vale/comprar' },
              { type: 'postback', title: 'Me ajude', payload: 'HELP_GIFT' },
            ],
          },
          { title: 'Kit verão', subtitle: 'Só esta semana' },
        ],
      },
    },
    {
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              {
                title: 'Vale-presente',
                subtitle: 'De R$ 50 a R$ 500',
                image_url: 'https://cdn.example.com/vale.jpg',
                default_action: { type: 'web_url', url: 'https://loja.example.com/vale' },
                buttons: [
                  {
                    type: 'web_url',
                    url: 'https://loja.example.com/vale/comprar',
                    title: 'Comprar',
                  },
                  { type: 'postback', title: 'Me ajude', payload: 'HELP_GIFT' },
                ],
              },
              { title: 'Kit verão', subtitle: 'Só esta semana' },
            ],
          },
        },
      },
    },
  ],
  ['typing_on', { type: 'sender_action', action: 'typing_on' }, { sender_action: 'typing_on' }],
  ['typing_off', { type: 'sender_action', action: 'typing_off' }, { sender_action: 'typing_off' }],
  ['mark_seen', { type: 'sender_action', action: 'mark_seen' }, { sender_action: 'mark_seen' }],
];

describe('InstagramProvider.send against the fake Graph API', () => {
  let instagram: InstagramGraphFake;
  let facebook: InstagramGraphFake;
  let provider: InstagramProvider;
  let hosts: StaticHostResolver;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startInstagram();
    ({ instagram, facebook, hosts, close } = started);
    provider = started.moduleRef.get(InstagramProvider);
  });

  afterAll(async () => close?.());

  const send = (content: Record<string, unknown>, account = accountFor(SHOP)) =>
    provider.send(account, { id: 'msg-0001', to: PERSON_IGSID, ...content } as OutboundMessage);

  it.each(cases)(
    'sends %s with Instagram Login as exactly the documented body, with the Bearer token',
    async (_name, content, body) => {
      const before = instagram.requests.length;
      const result = await send(content);

      expect(instagram.requests).toHaveLength(before + 1);
      const request = instagram.requests[before];
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/${GRAPH_VERSION}/${SHOP.igId}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${SHOP.instagramToken}`);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.json).toEqual({ ...recipient, ...body });
      const accepted = instagram.sent().at(-1);
      if (accepted?.messageId) expect(result.providerMessageId).toBe(accepted.messageId);
    },
  );

  it.each(cases)(
    'sends %s through the linked Page with its Page token (Facebook Login)',
    async (_name, content, body) => {
      const before = facebook.requests.length;
      await send(content, accountFor(SHOP, 'facebook-login'));
      const request = facebook.requests[before];
      expect(request.path).toBe(`/${GRAPH_VERSION}/${SHOP.pageId}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${SHOP.pageToken}`);
      expect(request.json).toEqual({ ...recipient, ...body });
    },
  );

  it('replies to a message with reply_to.mid, and returns the message id and recipient', async () => {
    const result = await send({ type: 'text', text: 'Claro!', replyToProviderMessageId: MID });
    expect(instagram.requests.at(-1)?.json).toEqual({
      ...recipient,
      reply_to: { mid: MID },
      message: { text: 'Claro!' },
    });
    expect(result.providerMessageId).toBe(instagram.sent().at(-1)?.messageId);
    expect(result.recipientId).toBe(PERSON_IGSID);
  });

  it("tags every message HUMAN_AGENT when the account's humanAgentTag setting is on", async () => {
    await send(
      { type: 'text', text: 'Sou a Júlia, do atendimento.' },
      accountFor(SHOP, 'instagram-login', { humanAgentTag: true }),
    );
    expect(instagram.requests.at(-1)?.json).toEqual({
      ...recipient,
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'Sou a Júlia, do atendimento.' },
    });
  });

  it("uses each account's own id and token", async () => {
    await send({ type: 'text', text: 'Consulta confirmada' }, accountFor(CLINIC));
    const request = instagram.requests.at(-1);
    expect(request?.path).toBe(`/${GRAPH_VERSION}/${CLINIC.igId}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${CLINIC.instagramToken}`);
  });

  it('refuses a media link to a private address before anything is sent', async () => {
    hosts.set('intranet.example.com', ['10.0.0.7']);
    const before = instagram.requests.length;
    await expect(
      send({ type: 'image', media: { url: 'https://intranet.example.com/x.jpg' } }),
    ).rejects.toBeInstanceOf(LinkRefusedError);
    expect(instagram.requests).toHaveLength(before);
  });

  it('refuses a generic template whose card image is on a private address, sending nothing', async () => {
    hosts.set('intranet.example.com', ['10.0.0.7']);
    const before = instagram.requests.length;
    const interactive = {
      type: 'generic',
      elements: [
        { title: 'Ok', imageUrl: 'https://cdn.example.com/ok.jpg' },
        { title: 'Interno', imageUrl: 'https://intranet.example.com/x.jpg' },
      ],
    };
    await expect(send({ type: 'interactive', interactive })).rejects.toBeInstanceOf(
      LinkRefusedError,
    );
    expect(instagram.requests).toHaveLength(before);
  });

  it('fails an expired token (190) as auth, permanently, so the account is flagged needs_reauth', async () => {
    instagram.failNext(1, '190/463');
    const error = await failureOf(send({ type: 'text', text: 'x' }));
    expect(error.failure).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ platformCode: '190' });
  });

  it('maps the closed window (10/2534022) to a permanent refusal, not a re-authorisation', async () => {
    instagram.failNext(1, '10/2534022');
    const error = await failureOf(send({ type: 'text', text: 'x' }));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
  });

  it('maps an unavailable person (551) to a permanent refusal', async () => {
    instagram.failNext(1, '551');
    const error = await failureOf(send({ type: 'text', text: 'x' }));
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ platformCode: '551' });
  });

  it('maps the rate limit (613) to a retryable failure with a wait hint', async () => {
    instagram.failNext(1, '613');
    const error = await failureOf(send({ type: 'text', text: 'x' }));
    expect(error.failure).toBe('rate-limited');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(60_000);
  });

  it('maps a temporary send failure (1200) to a server failure', async () => {
    instagram.failNext(1, '1200');
    const error = await failureOf(send({ type: 'text', text: 'x' }));
    expect(error.failure).toBe('server');
  });

  it('declares its types and features, paces to the configured limit and is found by the registry', async () => {
    const started = await startInstagram({ INSTAGRAM_MESSAGES_PER_SECOND: '5' });
    try {
      const found = started.moduleRef.get(ChannelRegistry).messaging('instagram', 'meta-instagram');
      expect(found).toBeInstanceOf(InstagramProvider);
      expect(found.pacing).toEqual({ ratePerSecond: 5, burst: 5 });
      expect([...found.capabilities].sort()).toEqual([
        'audio',
        'document',
        'image',
        'interactive',
        'media',
        'quick_replies',
        'reaction',
        'sender_action',
        'text',
        'video',
      ]);
    } finally {
      await started.close();
    }
  });
});
