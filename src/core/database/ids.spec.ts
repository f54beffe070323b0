import { v7 } from 'uuid';
import { uuidV7Floor } from './ids';

describe('uuidV7Floor', () => {
  it('sorts below every id minted at or after the time and above every one minted before', () => {
    const time = new Date('2026-03-01T12:00:00.000Z');
    const floor = uuidV7Floor(time);
    expect(v7({ msecs: time.getTime() }) >= floor).toBe(true);
    expect(v7({ msecs: time.getTime() + 1 }) > floor).toBe(true);
    expect(v7({ msecs: time.getTime() - 1 }) < floor).toBe(true);
  });
});
