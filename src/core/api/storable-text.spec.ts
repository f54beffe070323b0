import { firstUnstorableText, storableText } from './storable-text';

describe('firstUnstorableText', () => {
  it('accepts any well-formed text, emoji and right-to-left included', () => {
    expect(
      firstUnstorableText({ name: 'Clínica 🙂', list: ['שלום', '\u202e'], n: 1 }, ''),
    ).toBeUndefined();
  });

  it('names the field holding U+0000', () => {
    expect(firstUnstorableText({ text: { body: 'a\u0000b' } }, '')).toBe('text.body');
    expect(firstUnstorableText('a\u0000', 'id')).toBe('id');
  });

  it('names array items and keys', () => {
    expect(firstUnstorableText({ items: ['ok', '\ud83d'] }, '')).toBe('items[1]');
    expect(firstUnstorableText({ ['bad\u0000key']: 1 }, '')).toBe('bad\u0000key');
  });

  it('tells an unpaired surrogate from a pair', () => {
    expect(firstUnstorableText('\ud83d\ude42', 'x')).toBeUndefined();
    expect(firstUnstorableText('\ud83d', 'x')).toBe('x');
    expect(firstUnstorableText('\ude42x', 'x')).toBe('x');
    expect(firstUnstorableText('x\ud83d\ud83d\ude42', 'x')).toBe('x');
  });
});

describe('storableText', () => {
  it('replaces U+0000 and unpaired surrogates with U+FFFD and keeps pairs', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\ud83d\ud83d\ude42\ude42')).toBe('x\uFFFD\ud83d\ude42\uFFFD');
    expect(storableText('plain 😀')).toBe('plain 😀');
  });
});
