import { reminderComponents } from './reminder-template';

const RULE = {
  template: { name: 'lembrete_consulta', language: 'pt_BR' },
  bodyParameters: ['contact_name', 'date', 'time', 'professional'] as const,
  buttons: ['confirm', 'reschedule', 'cancel'] as const,
};
const REMINDER = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('reminderComponents', () => {
  it('writes date and time in the tenant zone and the template language', () => {
    const [body] = reminderComponents(
      { ...RULE, bodyParameters: [...RULE.bodyParameters], buttons: [...RULE.buttons] },
      REMINDER,
      {
        contactName: 'Ana Souza',
        start: new Date('2026-03-10T12:00:00Z'),
        timeZone: 'America/Sao_Paulo',
        professional: 'Dra. Ana',
      },
    );
    expect(body).toEqual({
      type: 'body',
      parameters: [
        { type: 'text', text: 'Ana Souza' },
        { type: 'text', text: '10/03/2026' },
        { type: 'text', text: '09:00' },
        { type: 'text', text: 'Dra. Ana' },
      ],
    });
  });

  it('gives every quick-reply button a payload naming the reminder and its action', () => {
    const buttons = reminderComponents(
      { ...RULE, bodyParameters: [], buttons: [...RULE.buttons] },
      REMINDER,
      { contactName: undefined, start: new Date(), timeZone: 'UTC', professional: undefined },
    );
    expect(buttons.map((b) => (b.parameters as { payload: string }[])[0].payload)).toEqual([
      `omnihub.reminder:${REMINDER}:confirm`,
      `omnihub.reminder:${REMINDER}:reschedule`,
      `omnihub.reminder:${REMINDER}:cancel`,
    ]);
    expect(buttons[2]).toMatchObject({ type: 'button', sub_type: 'quick_reply', index: '2' });
  });
});
