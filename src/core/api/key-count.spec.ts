import { keyLimitExcess } from './key-count';

const limits = { perContainer: 3, total: 6 };
const objectOf = (keys: number) =>
  Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i]));

describe('keyLimitExcess', () => {
  it('accepts values at the limits', () => {
    expect(keyLimitExcess(objectOf(3), limits)).toBeUndefined();
    expect(keyLimitExcess({ a: [1, 2], b: { c: 1 } }, limits)).toBeUndefined();
    expect(keyLimitExcess('text', limits)).toBeUndefined();
    expect(keyLimitExcess(null, limits)).toBeUndefined();
  });

  it('names the object with too many keys by its path', () => {
    expect(keyLimitExcess(objectOf(4), limits)).toEqual({
      field: 'body',
      message: 'body has 4 keys; at most 3 are accepted',
    });
    expect(keyLimitExcess({ template: { components: [objectOf(4)] } }, limits)).toEqual({
      field: 'template.components[0]',
      message: 'template.components[0] has 4 keys; at most 3 are accepted',
    });
  });

  it('counts array items like keys', () => {
    expect(keyLimitExcess({ contacts: [1, 2, 3, 4] }, limits)).toEqual({
      field: 'contacts',
      message: 'contacts has 4 items; at most 3 are accepted',
    });
    expect(keyLimitExcess([1, 2, 3, 4], limits, '', 'query')?.field).toBe('query');
  });

  it('refuses the whole value when no container is too big but all of them together are', () => {
    const value = { a: { x: 1, y: 2 }, b: { x: 1, y: 2 }, c: { x: 1 } };
    expect(keyLimitExcess(value, limits)).toEqual({
      field: 'body',
      message: 'body has more than 6 keys and items in all',
    });
  });

  it('stops at the first excess of a body far over the limits', () => {
    const huge = objectOf(70_000);
    expect(keyLimitExcess(huge, { perContainer: 1_000, total: 10_000 })?.message).toBe(
      'body has 70000 keys; at most 1000 are accepted',
    );
  });
});
