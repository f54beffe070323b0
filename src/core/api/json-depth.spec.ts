import { nestsDeeperThan } from './json-depth';

const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

describe('nestsDeeperThan', () => {
  it('counts objects and arrays alike', () => {
    const json = Buffer.from('{"a":[{"b":[1]}]}');
    expect(nestsDeeperThan(json, 4)).toBe(false);
    expect(nestsDeeperThan(json, 3)).toBe(true);
  });

  it('stops at the limit, however deep the rest goes', () => {
    expect(nestsDeeperThan(nested(64), 64)).toBe(false);
    expect(nestsDeeperThan(nested(65), 64)).toBe(true);
    expect(nestsDeeperThan(nested(100_000), 64)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const json = Buffer.from(JSON.stringify({ text: '[[[{{{ "\\" [[[', more: ['a"[', '\\'] }));
    expect(nestsDeeperThan(json, 2)).toBe(false);
  });

  it('treats every sibling at its own depth', () => {
    expect(nestsDeeperThan(Buffer.from('[[1],[2],[3],{"a":1}]'), 2)).toBe(false);
  });
});
