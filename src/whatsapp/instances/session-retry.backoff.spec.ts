import { reconnectDelayMs } from './session-retry.backoff';

describe('reconnectDelayMs', () => {
  it('waits one interval after the first attempt, then doubles', () => {
    expect([1, 2, 3, 4].map((n) => reconnectDelayMs(n, 1_000))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('stops growing at 32 intervals', () => {
    expect(reconnectDelayMs(6, 1_000)).toBe(32_000);
    expect(reconnectDelayMs(50, 1_000)).toBe(32_000);
  });
});
