import { SecretBox } from '@core/crypto/secret-box';
import { SecretUnreadableError } from '@core/crypto/secret-unreadable.error';
import { MessageContentCodec } from './message-content.codec';
import type { MessageEncryptionSettings } from './message-encryption.settings';

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const TENANT = '0190f1a2-0000-7000-8000-0000000000aa';
const ID = '0190f1a2-0000-7000-8000-000000000001';
const OTHER_ID = '0190f1a2-0000-7000-8000-000000000002';

function codecFor(enabled: boolean): MessageContentCodec {
  const settings = { enabled: () => Promise.resolve(enabled) };
  return new MessageContentCodec(
    SecretBox.fromKeyRing(KEYS),
    settings as unknown as MessageEncryptionSettings,
  );
}

describe('MessageContentCodec', () => {
  const codec = codecFor(true);

  it('stores a content unchanged when the tenant does not seal', async () => {
    const content = { text: 'hello', to: '+5511999990000' };
    expect(await codecFor(false).forStorage(TENANT, ID, content)).toBe(content);
  });

  it('seals every free-text field and leaves ids and media references readable', async () => {
    const content = {
      media: { mediaId: 'm-1', mimeType: 'image/jpeg', caption: 'my x-ray' },
      caption: 'outbound caption',
      to: '+5511999990000',
    };
    const stored = await codec.forStorage(TENANT, ID, content);
    const text = JSON.stringify(stored);
    expect(text).not.toMatch(/x-ray|outbound caption/);
    expect(stored).toMatchObject({
      media: { mediaId: 'm-1', mimeType: 'image/jpeg' },
      to: '+5511999990000',
      $sealed: true,
    });
    expect(codec.open(ID, stored)).toEqual(content);
  });

  it('seals structured free text (contact cards, templates) as JSON', async () => {
    const content = {
      contacts: [{ name: { formatted_name: 'Ana Souza' } }],
      template: { name: 'reminder', language: 'pt_BR', components: [{ text: 'Ana' }] },
    };
    const stored = await codec.forStorage(TENANT, ID, content);
    expect(JSON.stringify(stored)).not.toMatch(/Ana|reminder/);
    expect(codec.open(ID, stored)).toEqual(content);
  });

  it('does not change the content it was given', async () => {
    const content = { text: 'hello', media: { caption: 'c' } };
    await codec.forStorage(TENANT, ID, content);
    expect(content).toEqual({ text: 'hello', media: { caption: 'c' } });
  });

  it('reads a plain content (stored before the setting) as it is', () => {
    expect(codec.open(ID, { text: 'older message' })).toEqual({ text: 'older message' });
  });

  it('refuses a sealed field read as another message or another field', async () => {
    const stored = await codec.forStorage(TENANT, ID, { text: 'secret' });
    expect(() => codec.open(OTHER_ID, stored)).toThrow(SecretUnreadableError);
    expect(() => codec.openField(ID, ['caption'], stored.text, true)).toThrow(
      SecretUnreadableError,
    );
    expect(codec.openField(ID, ['text'], stored.text, true)).toBe('secret');
  });

  it('keeps a digest of the text or caption that matches the same text only', async () => {
    const stored = await codec.forStorage(TENANT, ID, { text: 'on my way' });
    expect(stored.$textDigest).toBe(codec.echoDigest(TENANT, 'on my way'));
    expect(stored.$textDigest).not.toBe(codec.echoDigest(TENANT, 'on my way!'));
    expect(stored.$textDigest).not.toBe(codec.echoDigest(OTHER_ID, 'on my way'));
    const media = await codec.forStorage(TENANT, ID, { media: { id: 'x' }, caption: 'pic' });
    expect(media.$textDigest).toBe(codec.echoDigest(TENANT, 'pic'));
    const reaction = await codec.forStorage(TENANT, ID, { emoji: '👍' });
    expect(reaction.$textDigest).toBeUndefined();
  });

  it('seals an edited field when the stored content is sealed, and only then', () => {
    const sealed = codec.fieldForStorage(ID, ['text'], 'edited', true);
    expect(sealed).not.toBe('edited');
    expect(codec.openField(ID, ['text'], sealed, true)).toBe('edited');
    expect(codec.fieldForStorage(ID, ['text'], 'edited', false)).toBe('edited');
  });
});
