import { TIKTOK_MESSAGING_RULES } from './tiktok-messaging.rules';

describe('TikTok messaging rules', () => {
  const rules = TIKTOK_MESSAGING_RULES;

  it('addresses a person by their TikTok user id, never by phone number', () => {
    expect(rules.recipientIdentities('-000AbCdEfGh_123')).toEqual([
      { type: 'tiktok_user_id', value: '-000AbCdEfGh_123' },
    ]);
    expect(rules.recipientIdentities('+5511987654321')).toBeUndefined();
    expect(rules.recipientIdentities('has space')).toBeUndefined();
  });

  it('refuses a text over 6,000 characters, naming text.body', () => {
    expect(rules.contentViolations({ type: 'text', text: 'é'.repeat(6000) })).toEqual([]);
    expect(rules.contentViolations({ type: 'text', text: 'a'.repeat(6001) })).toEqual([
      expect.objectContaining({ field: 'text.body' }),
    ]);
  });

  it('refuses an image with a caption: a message is text or an image, never both', () => {
    expect(
      rules.contentViolations({ type: 'image', media: { url: 'https://x/y.jpg' }, caption: 'c' }),
    ).toEqual([expect.objectContaining({ field: 'media.caption' })]);
    expect(rules.contentViolations({ type: 'image', media: { mediaId: 'm' } })).toEqual([]);
  });

  it('takes a shared post as interactive { sharePost: { itemId } } and nothing else', () => {
    expect(
      rules.contentViolations({
        type: 'interactive',
        interactive: { sharePost: { itemId: '7300000000000000001' } },
      }),
    ).toEqual([]);
    expect(rules.contentViolations({ type: 'interactive', interactive: { buttons: [] } })).toEqual([
      expect.objectContaining({ field: 'interactive' }),
    ]);
  });
});
