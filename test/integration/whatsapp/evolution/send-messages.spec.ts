import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundMessage } from '@core/channel/outbound-message';
import { EvolutionProvider } from '@app/whatsapp/evolution/evolution.provider';
import type { EvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { GLOBAL_KEY, SHOP, accountFor, failureOf, startEvolution } from './evolution-harness';

const TO = '+5511987654321';
const NUMBER = '5511987654321';
const JID = `${NUMBER}@s.whatsapp.net`;

/** Each outbound message, the Evolution route it must use and the exact body. */
const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
  [
    'text',
    { type: 'text', text: 'Olá! Seu pedido saiu.' },
    'sendText',
    { number: NUMBER, text: 'Olá! Seu pedido saiu.' },
  ],
  [
    'text with link preview',
    { type: 'text', text: 'Rastreie: https://loja.example.com/t/A-1001', previewUrl: true },
    'sendText',
    { number: NUMBER, text: 'Rastreie: https://loja.example.com/t/A-1001', linkPreview: true },
  ],
  [
    'image with caption',
    {
      type: 'image',
      media: { url: 'https://cdn.example.com/p.jpg', mimeType: 'image/jpeg' },
      caption: 'Seu produto',
    },
    'sendMedia',
    {
      number: NUMBER,
      mediatype: 'image',
      media: 'https://cdn.example.com/p.jpg',
      mimetype: 'image/jpeg',
      caption: 'Seu produto',
    },
  ],
  [
    'video',
    { type: 'video', media: { url: 'https://cdn.example.com/demo.mp4' } },
    'sendMedia',
    { number: NUMBER, mediatype: 'video', media: 'https://cdn.example.com/demo.mp4' },
  ],
  [
    'document with file name',
    {
      type: 'document',
      media: { url: 'https://cdn.example.com/nf.pdf', filename: 'nota-fiscal-1001.pdf' },
      caption: 'Nota fiscal',
    },
    'sendMedia',
    {
      number: NUMBER,
      mediatype: 'document',
      media: 'https://cdn.example.com/nf.pdf',
      caption: 'Nota fiscal',
      fileName: 'nota-fiscal-1001.pdf',
    },
  ],
  [
    'audio as a voice note',
    { type: 'audio', media: { url: 'https://cdn.example.com/a.ogg' } },
    'sendWhatsAppAudio',
    { number: NUMBER, audio: 'https://cdn.example.com/a.ogg' },
  ],
  [
    'location',
    {
      type: 'location',
      latitude: -23.5614,
      longitude: -46.6559,
      name: 'Loja Paulista',
      address: 'Av. Paulista, 1000',
    },
    'sendLocation',
    {
      number: NUMBER,
      latitude: -23.5614,
      longitude: -46.6559,
      name: 'Loja Paulista',
      address: 'Av. Paulista, 1000',
    },
  ],
  [
    'contact card',
    {
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Suporte Loja' },
          phones: [{ phone: '+551130001000', wa_id: '551130001000' }],
          org: { company: 'Loja Exemplo' },
        },
      ],
    },
    'sendContact',
    {
      number: NUMBER,
      contact: [
        {
          fullName: 'Suporte Loja',
          phoneNumber: '+551130001000',
          wuid: '551130001000',
          organization: 'Loja Exemplo',
        },
      ],
    },
  ],
  [
    'reaction',
    { type: 'reaction', targetProviderMessageId: '3EB0C767D26A1D8E7F3A', emoji: '👍' },
    'sendReaction',
    { key: { remoteJid: JID, fromMe: false, id: '3EB0C767D26A1D8E7F3A' }, reaction: '👍' },
  ],
];

describe('EvolutionProvider sends', () => {
  let fake: EvolutionFake;
  let provider: EvolutionProvider;
  let registry: ChannelRegistry;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startEvolution();
    ({ fake, close } = started);
    provider = started.moduleRef.get(EvolutionProvider);
    registry = started.moduleRef.get(ChannelRegistry);
  });

  afterAll(async () => close?.());

  it('registers as the whatsapp/evolution messaging provider, paced to 30 a minute', () => {
    expect(registry.messaging('whatsapp', 'evolution')).toBe(provider);
    expect(provider.pacing).toEqual({ ratePerSecond: 0.5, burst: 1 });
  });

  it.each(cases)(
    'sends %s to its route with the apikey and the exact body',
    async (_, content, route, body) => {
      const message = { id: 'msg-1', to: TO, ...content } as OutboundMessage;
      const result = await provider.send(accountFor(fake, SHOP), message);

      const request = fake.requests.at(-1)!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/message/${route}/${SHOP.name}`);
      expect(request.headers.apikey).toBe(SHOP.token);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.json).toEqual(body);

      const sent = fake.sent().at(-1)!;
      expect(result.providerMessageId).toBe(sent.id);
      expect(result.recipientId).toBe(JID);
      expect(result.acceptedAt).toBeInstanceOf(Date);
    },
  );

  it('quotes the replied-to message by its key id', async () => {
    await provider.send(accountFor(fake, SHOP), {
      id: 'msg-2',
      to: TO,
      type: 'text',
      text: 'Sim, chega amanhã.',
      replyToProviderMessageId: '3EB0AA11BB22CC33DD44',
    });
    expect(fake.requests.at(-1)!.json).toEqual({
      number: NUMBER,
      text: 'Sim, chega amanhã.',
      quoted: { key: { id: '3EB0AA11BB22CC33DD44' } },
    });
  });

  it('addresses an @lid identity by its JID and returns it as the recipient', async () => {
    const lid = '203853523529941@lid';
    const result = await provider.send(accountFor(fake, SHOP), {
      id: 'msg-3',
      to: lid,
      type: 'text',
      text: 'Oi',
    });
    expect(fake.requests.at(-1)!.json).toMatchObject({ number: lid });
    expect(result.recipientId).toBe(lid);
  });

  it('accepts the server global key in place of the instance token', async () => {
    await provider.send(accountFor(fake, SHOP, { apiKey: GLOBAL_KEY }), {
      id: 'msg-4',
      to: TO,
      type: 'text',
      text: 'Oi',
    });
    expect(fake.requests.at(-1)!.headers.apikey).toBe(GLOBAL_KEY);
  });

  it.each([
    ['a group', { type: 'text', text: 'Oi' }, '120363025246125888@g.us'],
    ['media without a URL', { type: 'image', media: { mediaId: '1013859600285441' } }, TO],
    ['an interactive message', { type: 'interactive', interactive: { type: 'button' } }, TO],
  ])('refuses %s without calling Evolution', async (_, content, to) => {
    const before = fake.requests.length;
    const error = await failureOf(
      provider.send(accountFor(fake, SHOP), { id: 'msg-5', to, ...content } as OutboundMessage),
    );
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(fake.requests.length).toBe(before);
  });

  it('declares exactly the types it sends', () => {
    expect([...provider.capabilities].sort()).toEqual([
      'audio',
      'contacts',
      'document',
      'image',
      'location',
      'reaction',
      'text',
      'video',
    ]);
  });
});
