import { genericTemplateViolations } from './instagram-generic-template';

const card = (overrides: Record<string, unknown> = {}) => ({
  title: 'Vale-presente',
  subtitle: 'De R$ 50 a R$ 500',
  ...overrides,
});
const fieldsOf = (interactive: Record<string, unknown>) =>
  genericTemplateViolations(interactive).map((error) => error.field);

describe('Instagram generic template rules', () => {
  it('takes a carousel of 10 cards with 3 buttons each', () => {
    const buttons = [
      { type: 'web_url', title: 'Ver', url: 'https://loja.example.com/a' },
      { type: 'postback', title: 'Quero', payload: 'WANT' },
      { type: 'postback', title: 'a'.repeat(20), payload: 'p'.repeat(1000) },
    ];
    const elements = Array.from({ length: 10 }, () => card({ buttons }));
    expect(genericTemplateViolations({ type: 'generic', elements })).toEqual([]);
  });

  it('refuses an 11th card, naming interactive.elements', () => {
    const elements = Array.from({ length: 11 }, () => card());
    expect(fieldsOf({ type: 'generic', elements })).toEqual(['interactive.elements']);
  });

  it('refuses a 4th button, naming that element’s buttons', () => {
    const button = { type: 'postback', title: 'B', payload: 'P' };
    const elements = [card(), card({ buttons: [button, button, button, button] })];
    expect(fieldsOf({ type: 'generic', elements })).toEqual(['interactive.elements[1].buttons']);
  });

  it('names each field over its limit or missing', () => {
    const elements = [
      card({ title: 't'.repeat(81), subtitle: 's'.repeat(81) }),
      {
        title: 'Ok',
        imageUrl: 'http://insecure.example.com/a.jpg',
        buttons: [
          { type: 'web_url', title: 'b'.repeat(21), url: 'https://x.example.com' },
          { type: 'postback', title: 'Sem payload' },
          { type: 'phone_number', title: 'Ligar' },
        ],
      },
      { title: 'Só o título' },
    ];
    expect(fieldsOf({ type: 'generic', elements })).toEqual([
      'interactive.elements[0].title',
      'interactive.elements[0].subtitle',
      'interactive.elements[1].imageUrl',
      'interactive.elements[1].buttons[0].title',
      'interactive.elements[1].buttons[1].payload',
      'interactive.elements[1].buttons[2].type',
      'interactive.elements[2]',
    ]);
  });

  it('refuses another interactive kind, naming interactive.type', () => {
    expect(fieldsOf({ type: 'button', body: { text: 'x' } })).toEqual(['interactive.type']);
    expect(fieldsOf({ type: 'generic', elements: [] })).toEqual(['interactive.elements']);
  });
});
