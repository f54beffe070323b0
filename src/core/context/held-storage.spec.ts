import { AsyncLocalStorage } from 'node:async_hooks';
import { HeldStorage } from './held-storage';

/** A promise settled by hand, and what the storage holds in its continuation. */
function later(held: HeldStorage<string>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { release, seen: () => gate.then(() => held.current()) };
}

describe('HeldStorage', () => {
  it("keeps a holder's store through its async calls while another holder ends", async () => {
    const held = new HeldStorage(new AsyncLocalStorage<string>());
    const first = later(held);
    const second = later(held);
    const a = held.enter('a', () => first.seen());
    const b = held.enter('b', () => second.seen());
    a.end();
    first.release();
    second.release();
    expect(await b.value).toBe('b');
    // the first holder's work went on after its end: the storage was still on for the second
    expect(await a.value).toBe('a');
    b.end();
  });

  it('switches the storage off when the last holder ends, and on again for the next', async () => {
    const held = new HeldStorage(new AsyncLocalStorage<string>());
    const pending = later(held);
    const { value, end } = held.enter('a', () => pending.seen());
    end();
    end(); // a second end changes nothing
    pending.release();
    expect(await value).toBeUndefined();
    const next = held.enter('b', () => Promise.resolve().then(() => held.current()));
    expect(await next.value).toBe('b');
    next.end();
  });

  it('ends the hold when starting the work throws', async () => {
    const held = new HeldStorage(new AsyncLocalStorage<string>());
    expect(() =>
      held.enter('a', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const pending = later(held);
    const { value, end } = held.enter('b', () => pending.seen());
    end();
    pending.release();
    // the failed start holds nothing: the last real holder's end switched the storage off
    expect(await value).toBeUndefined();
  });
});
