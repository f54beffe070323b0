import { classifyErrorResponse } from './error-response';

const NOW = Date.parse('2026-03-01T12:00:00Z');

const classify = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  classifyErrorResponse({ hub: 'whatsapp', operation: 'send_message', status, headers, body }, NOW);

describe('classifyErrorResponse', () => {
  it.each([
    [500, 'server', true],
    [502, 'server', true],
    [503, 'server', true],
    [408, 'timeout', true],
    [429, 'rate-limited', true],
    [401, 'auth', false],
    [403, 'auth', false],
    [404, 'not-found', false],
    [400, 'rejected', false],
    [409, 'rejected', false],
    [422, 'rejected', false],
  ])('classifies HTTP %i as %s (retryable: %s)', (status, failure, retryable) => {
    const error = classify(status);
    expect(error.failure).toBe(failure);
    expect(error.retryable).toBe(retryable);
    expect(error.details.status).toBe(status);
  });

  it('takes the wait from Retry-After, in seconds or as a date', () => {
    expect(classify(429, {}, { 'retry-after': '7' }).retryAfterMs).toBe(7_000);
    expect(classify(503, {}, { 'retry-after': 'Sun, 01 Mar 2026 12:01:00 GMT' }).retryAfterMs).toBe(
      60_000,
    );
    expect(classify(429).retryAfterMs).toBeUndefined();
  });

  it("names hub, operation and status, with the platform's message and code", () => {
    const error = classify(400, { error: { message: 'Invalid parameter', code: 100 } });
    expect(error.message).toBe('whatsapp send_message failed with HTTP 400: Invalid parameter');
    expect(error.details.platformCode).toBe('100');
    expect(error.code).toBe('PLATFORM.REJECTED');
  });

  it('never copies a text body into the detail', () => {
    const error = classify(502, '<html>upstream for +5511987654321 died</html>');
    expect(error.message).toBe('whatsapp send_message failed with HTTP 502');
  });
});
