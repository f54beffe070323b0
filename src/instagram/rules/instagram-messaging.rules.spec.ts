import { INSTAGRAM_MESSAGING_RULES } from './instagram-messaging.rules';

describe('Instagram messaging rules', () => {
  const rules = INSTAGRAM_MESSAGING_RULES;

  it('addresses a person by IGSID only, never by phone number', () => {
    expect(rules.recipientIdentities('6543210987654321')).toEqual([
      { type: 'igsid', value: '6543210987654321' },
    ]);
    expect(rules.recipientIdentities('+5511987654321')).toBeUndefined();
    expect(rules.recipientIdentities('ana.souza')).toBeUndefined();
  });

  it('refuses a text over 1,000 bytes, naming text.body', () => {
    expect(rules.contentViolations({ type: 'text', text: 'a'.repeat(1000) })).toEqual([]);
    expect(rules.contentViolations({ type: 'text', text: 'a'.repeat(1001) })).toEqual([
      expect.objectContaining({ field: 'text.body' }),
    ]);
    // 334 three-byte characters are 1,002 bytes.
    expect(rules.contentViolations({ type: 'text', text: '€'.repeat(334) })).toEqual([
      expect.objectContaining({ field: 'text.body' }),
    ]);
  });

  it('refuses more than 13 quick replies and titles over 20 characters, naming each field', () => {
    const reply = (title: string) => ({ type: 'text' as const, title, payload: 'P' });
    expect(
      rules.contentViolations({
        type: 'text',
        text: 'x',
        quickReplies: Array.from({ length: 14 }, (_, i) => reply(`op ${i}`)),
      }),
    ).toEqual([expect.objectContaining({ field: 'text.quickReplies' })]);
    expect(
      rules.contentViolations({
        type: 'text',
        text: 'x',
        quickReplies: [reply('12345678901234567890'), reply('123456789012345678901')],
      }),
    ).toEqual([expect.objectContaining({ field: 'text.quickReplies[1].title' })]);
  });

  it('refuses a caption, which Instagram attachments cannot carry', () => {
    expect(
      rules.contentViolations({ type: 'image', media: { url: 'https://x/y.jpg' }, caption: 'c' }),
    ).toEqual([expect.objectContaining({ field: 'media.caption' })]);
    expect(rules.contentViolations({ type: 'image', media: { url: 'https://x/y.jpg' } })).toEqual(
      [],
    );
  });
});
