import { TestingModule } from '@nestjs/testing';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { ResilientCaller } from '@core/resilience/resilient-caller';
import { RetryPolicyFactory } from '@core/resilience/retry-policy';
import type { RetryPolicy } from 'cockatiel';
import {
  outcomeUnknown,
  rateLimited,
  rejected,
  resilienceContext,
  serverError,
  thrownBy,
  uniqueKey,
} from './resilience-context';

const MAX_ATTEMPTS = 4;
const BREAKER_THRESHOLD = 2;

/** Records the wait cockatiel is asked to sleep before each retry. */
function observeDelays(policy: RetryPolicy): number[] {
  const delays: number[] = [];
  policy.onRetry(({ delay }) => delays.push(delay));
  return delays;
}

describe('Retry policy and resilient calls', () => {
  let moduleRef: TestingModule;
  let retries: RetryPolicyFactory;
  let caller: ResilientCaller;
  let breakers: CircuitBreakerRegistry;

  beforeAll(async () => {
    moduleRef = await resilienceContext({
      RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // The schema's minimum: retries really sleep, just briefly.
      RETRY_BASE_DELAY_MS: '10',
      CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '10',
      CIRCUIT_INSTAGRAM_FAILURE_THRESHOLD: String(BREAKER_THRESHOLD),
      CIRCUIT_INSTAGRAM_HALF_OPEN_AFTER_MS: '60000',
    });
    retries = moduleRef.get(RetryPolicyFactory);
    caller = moduleRef.get(ResilientCaller);
    breakers = moduleRef.get(CircuitBreakerRegistry);
  });

  afterAll(async () => {
    await moduleRef.close();
  });

  it('fails at once on a permanent error, calling fn once', async () => {
    const policy = retries.create();
    const delays = observeDelays(policy);
    const fn = jest.fn(() => Promise.reject(rejected()));
    await expect(policy.execute(fn)).rejects.toThrow('Invalid parameter');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(delays).toEqual([]);
  });

  it('retries retryable errors up to RETRY_MAX_ATTEMPTS attempts in all, backing off', async () => {
    const policy = retries.create();
    const delays = observeDelays(policy);
    const fn = jest.fn(() => Promise.reject(serverError()));
    await expect(policy.execute(fn)).rejects.toThrow('502');
    expect(fn).toHaveBeenCalledTimes(MAX_ATTEMPTS);
    expect(delays).toHaveLength(MAX_ATTEMPTS - 1);
    // Nominal 10, 20, 40 ms with ±20 % jitter: each wait is longer than the one before.
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(10 * 2 ** i * 0.8);
      expect(delay).toBeLessThanOrEqual(10 * 2 ** i * 1.2);
    });
  });

  it('returns the result of the first attempt that succeeds', async () => {
    const fn = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(serverError())
      .mockResolvedValueOnce('sent');
    await expect(retries.default.execute(fn)).resolves.toBe('sent');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('waits at least the Retry-After the platform asked for', async () => {
    const policy = retries.create();
    const delays = observeDelays(policy);
    const fn = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(rateLimited(300))
      .mockResolvedValueOnce('sent');
    await expect(policy.execute(fn)).resolves.toBe('sent');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(300);
  });

  it('hands a Retry-After longer than maxDelayMs back to the caller instead of sleeping', async () => {
    const policy = retries.create({ maxDelayMs: 1_000 });
    const fn = jest.fn(() => Promise.reject(rateLimited(120_000)));
    const error = await thrownBy(() => policy.execute(fn));
    expect(error).toMatchObject({ code: 'PLATFORM.RATE_LIMITED', retryAfterMs: 120_000 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('never repeats a send whose outcome is unknown, yet counts it in the breaker', async () => {
    const key = uniqueKey('instagram', 'graph');
    const policy = retries.create();
    const delays = observeDelays(policy);
    const fn = jest.fn(() => Promise.reject(outcomeUnknown()));
    const first = await thrownBy(() => caller.call(key, fn, policy));
    expect(first).toMatchObject({ code: 'PLATFORM.OUTCOME_UNKNOWN' });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(delays).toEqual([]);
    await thrownBy(() => caller.call(key, fn, policy));
    expect(breakers.state(key)).toBe('open');
  });

  it('does not retry CircuitOpenError', async () => {
    const key = uniqueKey('instagram', 'graph');
    for (let i = 0; i < BREAKER_THRESHOLD; i++) {
      await expect(breakers.execute(key, () => Promise.reject(serverError()))).rejects.toThrow();
    }
    const policy = retries.create();
    const delays = observeDelays(policy);
    const fn = jest.fn(() => Promise.resolve('sent'));
    await expect(caller.call(key, fn, policy)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).not.toHaveBeenCalled();
    expect(delays).toEqual([]);
  });

  it('counts every attempt in the breaker and stops retrying once it opens', async () => {
    const key = uniqueKey('instagram', 'graph');
    const fn = jest.fn(() => Promise.reject(serverError()));
    const error = await thrownBy(() => caller.call(key, fn));
    // MAX_ATTEMPTS (4) would be allowed, but the breaker opens after the 2nd failed attempt.
    expect(fn).toHaveBeenCalledTimes(BREAKER_THRESHOLD);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(breakers.state(key)).toBe('open');
  });
});
