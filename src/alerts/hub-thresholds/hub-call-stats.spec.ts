import { quantileSeconds } from './hub-call-stats';

describe('quantileSeconds', () => {
  const buckets = (entries: [number, number][]) => new Map(entries);

  it('interpolates inside the bucket the rank falls in, like histogram_quantile', () => {
    // 100 calls: 50 under 0.5 s, 90 under 1 s, all under 2.5 s.
    const b = buckets([
      [0.5, 50],
      [1, 90],
      [2.5, 100],
      [Infinity, 100],
    ]);
    expect(quantileSeconds(0.5, b)).toBeCloseTo(0.5);
    expect(quantileSeconds(0.95, b)).toBeCloseTo(1 + 1.5 * 0.5);
  });

  it('answers the highest finite bound when the rank is in the +Inf bucket', () => {
    const b = buckets([
      [1, 1],
      [30, 2],
      [Infinity, 100],
    ]);
    expect(quantileSeconds(0.95, b)).toBe(30);
  });

  it('has no answer without observations', () => {
    expect(quantileSeconds(0.95, buckets([[Infinity, 0]]))).toBeUndefined();
    expect(quantileSeconds(0.95, buckets([]))).toBeUndefined();
  });
});
