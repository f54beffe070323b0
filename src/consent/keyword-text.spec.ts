import { DEFAULT_POLICY } from './consent-policy';
import { keywordForm, matchKeyword } from './keyword-text';

const defaults = { optOut: DEFAULT_POLICY.optOutKeywords, optIn: DEFAULT_POLICY.optInKeywords };

describe('consent keyword text', () => {
  it.each(['Parar.', 'parar', 'PARAR!', '  parar  ', '¡Parar!', 'parar 🛑', 'Párar'])(
    'reads %p as the opt-out word PARAR',
    (text) => {
      expect(matchKeyword(text, defaults)).toBe('opt-out');
    },
  );

  it.each(['parar de fumar', 'não quero parar', 'PARARR', 'stop it', ''])(
    'does not read %p as a keyword (the whole text must be the word)',
    (text) => {
      expect(matchKeyword(text, defaults)).toBeUndefined();
    },
  );

  it('ignores accents in the tenant list as in the text', () => {
    expect(matchKeyword('Não Quero', { optOut: ['NAO QUERO'], optIn: [] })).toBe('opt-out');
    expect(matchKeyword('nao quero', { optOut: ['Não quero'], optIn: [] })).toBe('opt-out');
  });

  it('reads the default opt-in words', () => {
    expect(matchKeyword('voltar', defaults)).toBe('opt-in');
    expect(matchKeyword('Start.', defaults)).toBe('opt-in');
  });

  it('keeps the words of a phrase apart with single spaces', () => {
    expect(keywordForm('  Descadastrar,   por favor!! ')).toBe('DESCADASTRAR POR FAVOR');
  });
});
