import { ChannelRegistry } from '@core/channel/channel.registry';
import type { OutboundMessage } from '@core/channel/outbound-message';
import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  CLINIC,
  GRAPH_VERSION,
  SHOP,
  accountFor,
  failureOf,
  startMetaCloud,
} from './meta-cloud-harness';

const TO = '5511987654321';
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: TO };

const interactiveButtons = {
  type: 'button',
  header: { type: 'text', text: 'Pedido A-1001' },
  body: { text: 'Deseja alterar ou cancelar?' },
  footer: { text: 'Loja Exemplo' },
  action: {
    buttons: [
      { type: 'reply', reply: { id: 'change-order', title: 'Alterar' } },
      { type: 'reply', reply: { id: 'cancel-order', title: 'Cancelar' } },
    ],
  },
};
const interactiveList = {
  type: 'list',
  body: { text: 'Escolha um horário' },
  action: {
    button: 'Horários',
    sections: [
      {
        title: 'Amanhã',
        rows: [
          { id: 'slot-0900', title: '09:00', description: 'Dra. Ana' },
          { id: 'slot-1030', title: '10:30' },
        ],
      },
    ],
  },
};

/** Each outbound message and the exact body Meta documents for it. */
const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'text',
    { type: 'text', text: 'Olá! Seu pedido saiu.' },
    { type: 'text', text: { body: 'Olá! Seu pedido saiu.' } },
  ],
  [
    'text with link preview',
    { type: 'text', text: 'Rastreie: https://loja.example.com/t/A-1001', previewUrl: true },
    {
      type: 'text',
      text: { body: 'Rastreie: https://loja.example.com/t/A-1001', preview_url: true },
    },
  ],
  [
    'image by media id with caption',
    { type: 'image', media: { mediaId: '1013859600285441' }, caption: 'Seu produto' },
    { type: 'image', image: { id: '1013859600285441', caption: 'Seu produto' } },
  ],
  [
    'video by link',
    { type: 'video', media: { url: 'https://cdn.example.com/demo.mp4' } },
    { type: 'video', video: { link: 'https://cdn.example.com/demo.mp4' } },
  ],
  [
    'document with filename and caption',
    {
      type: 'document',
      media: { url: 'https://cdn.example.com/nf-1001.pdf', filename: 'nota-fiscal-1001.pdf' },
      caption: 'Nota fiscal',
    },
    {
      type: 'document',
      document: {
        link: 'https://cdn.example.com/nf-1001.pdf',
        caption: 'Nota fiscal',
        filename: 'nota-fiscal-1001.pdf',
      },
    },
  ],
  [
    'audio',
    { type: 'audio', media: { mediaId: '745021361203145' } },
    { type: 'audio', audio: { id: '745021361203145' } },
  ],
  [
    'sticker',
    { type: 'sticker', media: { url: 'https://cdn.example.com/thanks.webp' } },
    { type: 'sticker', sticker: { link: 'https://cdn.example.com/thanks.webp' } },
  ],
  [
    'location',
    {
      type: 'location',
      latitude: -23.561684,
      longitude: -46.655981,
      name: 'Loja Paulista',
      address: 'Av. Paulista, 1000',
    },
    {
      type: 'location',
      location: {
        latitude: -23.561684,
        longitude: -46.655981,
        name: 'Loja Paulista',
        address: 'Av. Paulista, 1000',
      },
    },
  ],
  [
    'interactive buttons',
    { type: 'interactive', interactive: interactiveButtons },
    { type: 'interactive', interactive: interactiveButtons },
  ],
  [
    'interactive list',
    { type: 'interactive', interactive: interactiveList },
    { type: 'interactive', interactive: interactiveList },
  ],
  [
    'reaction',
    {
      type: 'reaction',
      targetProviderMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDJCNjQ2',
      emoji: '❤️',
    },
    {
      type: 'reaction',
      reaction: { message_id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDJCNjQ2', emoji: '❤️' },
    },
  ],
];

describe('MetaCloudProvider.send against the fake Graph API', () => {
  let fake: MetaGraphFake;
  let provider: MetaCloudProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud({
      templates: [
        {
          name: 'order_update',
          language: 'pt_BR',
          status: 'APPROVED',
          category: 'UTILITY',
          components: [{ type: 'BODY', text: 'Olá {{1}}, seu pedido {{2}} saiu para entrega.' }],
        },
      ],
    });
    ({ fake, close } = started);
    provider = started.moduleRef.get(MetaCloudProvider);
  });

  afterAll(async () => close?.());

  const send = (content: Record<string, unknown>, account = accountFor(SHOP)) =>
    provider.send(account, { id: 'msg-0001', to: TO, ...content } as OutboundMessage);

  it.each(cases)(
    'sends %s as exactly the documented body, with the Bearer token',
    async (_name, content, body) => {
      const before = fake.requests.length;
      const result = await send(content);

      expect(fake.requests).toHaveLength(before + 1);
      const request = fake.requests[before];
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/${GRAPH_VERSION}/${SHOP.phoneNumberId}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.json).toEqual({ ...envelope, ...body });

      const accepted = fake.sent().at(-1);
      expect(result.providerMessageId).toBe(accepted?.wamid);
      expect(result.providerMessageId).toMatch(/^wamid\./);
      expect(result.recipientId).toBe(TO);
    },
  );

  it('sends a template with language code and components, and Meta accepts it', async () => {
    const components = [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'A-1001' },
        ],
      },
    ];
    const result = await send({
      type: 'template',
      template: { name: 'order_update', language: 'pt_BR', components },
    });
    expect(fake.requests.at(-1)?.json).toEqual({
      ...envelope,
      type: 'template',
      template: { name: 'order_update', language: { code: 'pt_BR' }, components },
    });
    expect(result.providerMessageId).toBe(fake.sent().at(-1)?.wamid);
  });

  it('replies with context.message_id', async () => {
    await send({
      type: 'text',
      text: 'Claro!',
      replyToProviderMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDJC',
    });
    expect(fake.requests.at(-1)?.json).toEqual({
      ...envelope,
      context: { message_id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDJC' },
      type: 'text',
      text: { body: 'Claro!' },
    });
  });

  it("uses each account's own phone number id and token", async () => {
    await send({ type: 'text', text: 'Consulta confirmada' }, accountFor(CLINIC));
    const request = fake.requests.at(-1);
    expect(request?.path).toBe(`/${GRAPH_VERSION}/${CLINIC.phoneNumberId}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${CLINIC.accessToken}`);
  });

  it("refuses another business's token for this number with Meta's 100/33, permanently", async () => {
    const error = await failureOf(
      send({ type: 'text', text: 'x' }, accountFor(SHOP, { accessToken: CLINIC.accessToken })),
    );
    expect(error.failure).toBe('rejected');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 400, platformCode: '100' });
  });

  it('gets a template Meta does not have refused with 132001', async () => {
    const error = await failureOf(
      send({ type: 'template', template: { name: 'order_update', language: 'en_US' } }),
    );
    expect(error.details).toMatchObject({ status: 404, platformCode: '132001' });
    expect(error.retryable).toBe(false);
  });

  it('declares every type it sends, paces to the configured throughput and is found by the registry', async () => {
    const started = await startMetaCloud({}, { WHATSAPP_CLOUD_MESSAGES_PER_SECOND: '20' });
    try {
      const registry = started.moduleRef.get(ChannelRegistry);
      const found = registry.messaging('whatsapp', 'meta-cloud');
      expect(found).toBeInstanceOf(MetaCloudProvider);
      expect(found.pacing).toEqual({ ratePerSecond: 20, burst: 20 });
      expect([...found.capabilities].sort()).toEqual([
        'audio',
        'contacts',
        'document',
        'image',
        'interactive',
        'location',
        'reaction',
        'sticker',
        'template',
        'text',
        'video',
      ]);
    } finally {
      await started.close();
    }
  });
});
