import { MicroBatcher, sameForAll } from './micro-batcher';

describe('MicroBatcher', () => {
  it('flushes everything submitted in one turn of the event loop as one batch', async () => {
    const flushed: number[][] = [];
    const batcher = new MicroBatcher<number, number>((items) => {
      flushed.push(items);
      return Promise.resolve(items.map((item) => ({ status: 'fulfilled', value: item * 10 })));
    }, 100);

    const results = await Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    const later = await batcher.submit(4);

    expect(results).toEqual([10, 20, 30]);
    expect(later).toBe(40);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('starts a new batch as soon as one holds maxBatch items', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, void>((items) => {
      sizes.push(items.length);
      return sameForAll(items.length, () => Promise.resolve());
    }, 4);

    await Promise.all(Array.from({ length: 10 }, (_, item) => batcher.submit(item)));

    expect(sizes).toEqual([4, 4, 2]);
  });

  it('rejects only the callers whose items failed', async () => {
    const batcher = new MicroBatcher<number, number>(
      (items) =>
        Promise.resolve(
          items.map((item) =>
            item % 2
              ? { status: 'rejected', reason: new Error(`odd ${item}`) }
              : { status: 'fulfilled', value: item },
          ),
        ),
      100,
    );

    const results = await Promise.allSettled([1, 2, 3].map((item) => batcher.submit(item)));

    expect(results).toEqual([
      { status: 'rejected', reason: new Error('odd 1') },
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('odd 3') },
    ]);
  });

  it('rejects every caller of the batch when the flush itself fails', async () => {
    const batcher = new MicroBatcher<number, number>(() => Promise.reject(new Error('down')), 100);

    const results = await Promise.allSettled([1, 2].map((item) => batcher.submit(item)));

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
  it('holds what arrives while maxInFlight flushes run and sends it as one batch after the first ends', async () => {
    const flushed: number[][] = [];
    const running: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>(
      (items) => {
        flushed.push(items);
        return new Promise((done) =>
          running.push(() => done(items.map((item) => ({ status: 'fulfilled', value: item })))),
        );
      },
      100,
      1,
    );
    const turn = () => new Promise((done) => setImmediate(done));

    const first = batcher.submit(1);
    await turn();
    const waiting = [2, 3].map((item) => batcher.submit(item));
    await turn();
    const later = batcher.submit(4);
    await turn();
    expect(flushed).toEqual([[1]]);

    running.shift()!();
    await first;
    await turn();
    expect(flushed).toEqual([[1], [2, 3, 4]]);
    running.shift()!();
    expect(await Promise.all([...waiting, later])).toEqual([2, 3, 4]);
  });

  it('flushes a backlog longer than maxBatch in maxBatch slices', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => (release = done));
    const batcher = new MicroBatcher<number, void>(
      async (items) => {
        sizes.push(items.length);
        await gate;
        return sameForAll(items.length, () => Promise.resolve());
      },
      3,
      1,
    );

    const all = Promise.all(Array.from({ length: 8 }, (_, item) => batcher.submit(item)));
    release();
    await all;

    expect(sizes).toEqual([3, 3, 2]);
  });
});
