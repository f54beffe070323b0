import type { OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { buildEvolutionSend } from './evolution-message-body';

const base = { id: 'msg-1', to: '+5511987654321' };

describe('buildEvolutionSend', () => {
  it('sends an unnamed location with the empty name and address Evolution requires', () => {
    expect(
      buildEvolutionSend({ ...base, type: 'location', latitude: -23.5, longitude: -46.6 }),
    ).toEqual({
      endpoint: 'sendLocation',
      body: { number: '5511987654321', latitude: -23.5, longitude: -46.6, name: '', address: '' },
    });
  });

  it('quotes replies but not the target of a reaction', () => {
    const reaction = buildEvolutionSend({
      ...base,
      type: 'reaction',
      targetProviderMessageId: '3EB0AA',
      emoji: '❤️',
      replyToProviderMessageId: '3EB0AA',
    });
    expect(reaction.body).not.toHaveProperty('quoted');
    expect(reaction.body.key).toEqual({
      remoteJid: '5511987654321@s.whatsapp.net',
      fromMe: false,
      id: '3EB0AA',
    });
  });

  it('reacts in an @lid chat by its JID', () => {
    const { body } = buildEvolutionSend({
      ...base,
      to: '203853523529941@lid',
      type: 'reaction',
      targetProviderMessageId: '3EB0BB',
      emoji: '👍',
    });
    expect(body.key).toMatchObject({ remoteJid: '203853523529941@lid' });
  });

  it('flattens several contact cards, first phone/e-mail/URL each', () => {
    const { body } = buildEvolutionSend({
      ...base,
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Ana' },
          phones: [{ phone: '+5511911112222' }, { phone: '+5511933334444' }],
          emails: [{ email: 'ana@example.com' }],
        },
        {
          name: { formatted_name: 'Bruno' },
          phones: [{ phone: '+5521955556666' }],
          urls: [{ url: 'https://b.example.com' }],
        },
      ],
    });
    expect(body.contact).toEqual([
      { fullName: 'Ana', phoneNumber: '+5511911112222', email: 'ana@example.com' },
      { fullName: 'Bruno', phoneNumber: '+5521955556666', url: 'https://b.example.com' },
    ]);
  });

  it.each<[string, OutboundMessage]>([
    [
      'a card without a phone',
      { ...base, type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] },
    ],
    ['a sticker', { ...base, type: 'sticker', media: { url: 'https://cdn.example.com/s.webp' } }],
    ['a template', { ...base, type: 'template', template: { name: 'pedido', language: 'pt_BR' } }],
    ['audio by media id', { ...base, type: 'audio', media: { mediaId: '101' } }],
  ])('refuses %s permanently', (_, message) => {
    let error: unknown;
    try {
      buildEvolutionSend(message);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).retryable).toBe(false);
  });
});
