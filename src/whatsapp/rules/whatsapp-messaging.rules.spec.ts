import { WHATSAPP_MESSAGING_RULES, WHATSAPP_TEXT_CHARACTERS } from './whatsapp-messaging.rules';

describe('WhatsApp messaging rules', () => {
  it('refuses a text over 4,096 characters, naming text.body', () => {
    const text = 'á'.repeat(WHATSAPP_TEXT_CHARACTERS + 1);
    expect(WHATSAPP_MESSAGING_RULES.contentViolations({ type: 'text', text })).toEqual([
      { field: 'text.body', message: 'WhatsApp texts hold at most 4096 characters' },
    ]);
  });

  it('takes a text of exactly 4,096 characters, counting an emoji as one', () => {
    const text = `${'a'.repeat(WHATSAPP_TEXT_CHARACTERS - 1)}😀`;
    expect(WHATSAPP_MESSAGING_RULES.contentViolations({ type: 'text', text })).toEqual([]);
  });
});
