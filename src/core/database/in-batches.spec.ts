import { inBatches } from './in-batches';

describe('inBatches', () => {
  it('stops at the first short batch and returns the total', async () => {
    const answers = [10, 10, 3, 10];
    const limits: number[] = [];
    const total = await inBatches(
      (limit) => {
        limits.push(limit);
        return Promise.resolve(answers.shift() ?? 0);
      },
      { batchSize: 10 },
    );
    expect(total).toBe(23);
    expect(limits).toEqual([10, 10, 10]);
  });

  it('runs at most maxBatches full batches, leaving the rest to the next run', async () => {
    let calls = 0;
    const total = await inBatches(
      (limit) => {
        calls += 1;
        return Promise.resolve(limit);
      },
      { batchSize: 5, maxBatches: 4 },
    );
    expect(calls).toBe(4);
    expect(total).toBe(20);
  });
});
