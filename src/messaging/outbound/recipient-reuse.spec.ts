import type { RecipientRead } from '../contacts/recipient-read.sql';
import { RECIPIENT_REUSE_MS, RecipientReuse } from './recipient-reuse';

const read = (contactId: string): RecipientRead => ({
  contactId,
  lastInboundAt: null,
  fingerprint: `fp-${contactId}`,
});

describe('RecipientReuse', () => {
  it('hands back a kept read until it is forgotten', () => {
    const reuse = new RecipientReuse();
    reuse.keep('a', read('c1'));

    expect(reuse.take('a')).toEqual(read('c1'));
    expect(reuse.take('a')).toEqual(read('c1'));
    reuse.forget('a');
    expect(reuse.take('a')).toBeUndefined();
  });

  it('drops a read once RECIPIENT_REUSE_MS passed since it was kept', () => {
    let now = 1_000;
    const reuse = new RecipientReuse(() => now);
    reuse.keep('a', read('c1'));

    now += RECIPIENT_REUSE_MS - 1;
    expect(reuse.take('a')).toBeDefined();
    now += 1;
    expect(reuse.take('a')).toBeUndefined();
  });

  it('drops the least recently used read beyond its bound', () => {
    const reuse = new RecipientReuse();
    reuse.keep('first', read('c0'));
    reuse.keep('second', read('c1'));
    // Taking "first" makes "second" the least recently used.
    reuse.take('first');
    for (let i = 0; i < 4_095; i += 1) reuse.keep(`k${i}`, read(`x${i}`));

    expect(reuse.take('second')).toBeUndefined();
    expect(reuse.take('first')).toBeDefined();
  });
});
