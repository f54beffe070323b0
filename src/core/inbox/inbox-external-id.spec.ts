import { MAX_EXTERNAL_ID_BYTES, inboxExternalId } from './inbox-external-id';

describe('inboxExternalId', () => {
  it('keeps an id up to the limit as it is', () => {
    const id = `messages.upsert:${'A'.repeat(MAX_EXTERNAL_ID_BYTES - 16)}`;
    expect(inboxExternalId('messages.upsert:3EB0C4A1F2')).toBe('messages.upsert:3EB0C4A1F2');
    expect(inboxExternalId(id)).toBe(id);
  });

  it('hashes a longer id to the same short id every time, so redeliveries still deduplicate', () => {
    const long = `messages.upsert:${'k'.repeat(4_000)}`;
    expect(inboxExternalId(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inboxExternalId(long)).toBe(inboxExternalId(`messages.upsert:${'k'.repeat(4_000)}`));
    expect(inboxExternalId(long)).not.toBe(inboxExternalId(`${long}x`));
  });

  it('measures UTF-8 bytes, not characters', () => {
    const multibyte = 'ç'.repeat(MAX_EXTERNAL_ID_BYTES / 2 + 1);
    expect(inboxExternalId(multibyte)).toMatch(/^sha256:/);
  });
});
