import type { OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { buildMessageBody, buildReadReceiptBody } from './meta-message-body';

const base = { id: '0f7c1b7e-3f7d-4c43-9f5e-2b1d7c9a1e01', to: '5511987654321' };
const send = (content: Record<string, unknown>) =>
  buildMessageBody({ ...base, ...content } as OutboundMessage);

const envelope = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '5511987654321',
};

describe('buildMessageBody', () => {
  it('builds a text message, with preview_url only when asked', () => {
    expect(send({ type: 'text', text: 'Olá!' })).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'Olá!' },
    });
    expect(send({ type: 'text', text: 'See https://example.com', previewUrl: true })).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'See https://example.com', preview_url: true },
    });
    expect(send({ type: 'text', text: 'x', previewUrl: false })).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'x', preview_url: false },
    });
  });

  it('sends uploaded media by id and hosted media by link, never both', () => {
    expect(
      send({
        type: 'image',
        media: { mediaId: '1013859600285441', url: 'https://cdn.example.com/a.png' },
        caption: 'The best succulent ever?',
      }),
    ).toEqual({
      ...envelope,
      type: 'image',
      image: { id: '1013859600285441', caption: 'The best succulent ever?' },
    });
    expect(send({ type: 'video', media: { url: 'https://cdn.example.com/v.mp4' } })).toEqual({
      ...envelope,
      type: 'video',
      video: { link: 'https://cdn.example.com/v.mp4' },
    });
  });

  it('gives documents their filename and caption', () => {
    expect(
      send({
        type: 'document',
        media: { url: 'https://cdn.example.com/inv.pdf', filename: 'invoice-12345.pdf' },
        caption: 'Your invoice',
      }),
    ).toEqual({
      ...envelope,
      type: 'document',
      document: {
        link: 'https://cdn.example.com/inv.pdf',
        caption: 'Your invoice',
        filename: 'invoice-12345.pdf',
      },
    });
  });

  it('sends audio and stickers without caption or filename', () => {
    expect(send({ type: 'audio', media: { mediaId: '745021', filename: 'x.ogg' } })).toEqual({
      ...envelope,
      type: 'audio',
      audio: { id: '745021' },
    });
    expect(send({ type: 'sticker', media: { url: 'https://cdn.example.com/s.webp' } })).toEqual({
      ...envelope,
      type: 'sticker',
      sticker: { link: 'https://cdn.example.com/s.webp' },
    });
  });

  it('builds a location with optional name and address', () => {
    expect(
      send({
        type: 'location',
        latitude: 37.44216251868683,
        longitude: -122.16153582049394,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
      }),
    ).toEqual({
      ...envelope,
      type: 'location',
      location: {
        latitude: 37.44216251868683,
        longitude: -122.16153582049394,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
      },
    });
    expect(send({ type: 'location', latitude: 0, longitude: 0 })).toEqual({
      ...envelope,
      type: 'location',
      location: { latitude: 0, longitude: 0 },
    });
  });

  it('builds a template with language code and the components as given', () => {
    const components = [
      { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A1' }] },
    ];
    expect(
      send({ type: 'template', template: { name: 'order_update', language: 'pt_BR', components } }),
    ).toEqual({
      ...envelope,
      type: 'template',
      template: { name: 'order_update', language: { code: 'pt_BR' }, components },
    });
    expect(
      send({ type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
    ).toEqual({
      ...envelope,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
  });

  it('passes interactive buttons and lists through unchanged', () => {
    const interactive = {
      type: 'button',
      body: { text: 'Change or cancel?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'change', title: 'Change' } },
          { type: 'reply', reply: { id: 'cancel', title: 'Cancel' } },
        ],
      },
    };
    expect(send({ type: 'interactive', interactive })).toEqual({
      ...envelope,
      type: 'interactive',
      interactive,
    });
  });

  it('builds a reaction, without context even when it answers a message', () => {
    expect(
      send({
        type: 'reaction',
        targetProviderMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0',
        emoji: '👍',
        replyToProviderMessageId: 'wamid.other',
      }),
    ).toEqual({
      ...envelope,
      type: 'reaction',
      reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0', emoji: '👍' },
    });
  });

  it('adds context.message_id to replies', () => {
    expect(
      send({ type: 'text', text: 'Sure', replyToProviderMessageId: 'wamid.HBgLMTY1MDM4' }),
    ).toEqual({
      ...envelope,
      context: { message_id: 'wamid.HBgLMTY1MDM4' },
      type: 'text',
      text: { body: 'Sure' },
    });
  });

  it('refuses media without an id or a link, as a permanent failure', () => {
    let thrown: unknown;
    try {
      send({ type: 'image', media: { mimeType: 'image/png' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PlatformError);
    expect((thrown as PlatformError).failure).toBe('rejected');
    expect((thrown as PlatformError).retryable).toBe(false);
    expect((thrown as PlatformError).message).not.toContain(base.to);
  });
});

describe('buildReadReceiptBody', () => {
  it('marks a message as read', () => {
    expect(buildReadReceiptBody('wamid.HBgLMTY1MDM4')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.HBgLMTY1MDM4',
    });
  });
});
