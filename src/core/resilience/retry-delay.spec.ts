import { PlatformError } from '@core/errors/platform-error';
import { retryDelayMs } from './retry-delay';

const serverError = new PlatformError('whatsapp', 'send', 'server', 'Bad gateway', {
  status: 502,
});
const rateLimited = (retryAfterMs: number) =>
  new PlatformError('whatsapp', 'send', 'rate-limited', 'Too many requests', {
    status: 429,
    retryAfterMs,
  });

describe('retryDelayMs', () => {
  const settings = { maxAttempts: 4, baseDelayMs: 1_000, random: () => 0.5 };

  it('doubles the wait for each retry: 1 s, 2 s, 4 s', () => {
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, serverError, settings))).toEqual([
      1_000, 2_000, 4_000,
    ]);
  });

  it('spreads each wait by the jitter around its nominal value', () => {
    const low = retryDelayMs(2, serverError, { ...settings, jitter: 0.2, random: () => 0 });
    const high = retryDelayMs(2, serverError, { ...settings, jitter: 0.2, random: () => 0.9999 });
    expect(low).toBe(1_600);
    expect(high).toBe(2_400);
  });

  it('never waits longer than maxDelayMs for its own backoff', () => {
    expect(retryDelayMs(10, serverError, { ...settings, maxDelayMs: 5_000 })).toBe(5_000);
  });

  it('waits at least as long as the Retry-After the platform sent', () => {
    expect(retryDelayMs(1, rateLimited(7_500), settings)).toBe(7_500);
  });

  it('keeps its own backoff when it is longer than the Retry-After', () => {
    expect(retryDelayMs(3, rateLimited(100), settings)).toBe(4_000);
  });
});
