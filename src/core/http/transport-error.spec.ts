import { errors } from 'undici';
import { classifyTransportError } from './transport-error';

const call = { hub: 'calendar', operation: 'list_events', timeoutMs: 500, deadlinePassed: false };

const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyTransportError', () => {
  it('reports our own deadline as a timeout, whatever undici threw', () => {
    const error = classifyTransportError(new Error('aborted'), { ...call, deadlinePassed: true });
    expect(error?.failure).toBe('timeout');
    expect(error?.retryable).toBe(true);
    expect(error?.message).toBe('calendar list_events: no answer within 500 ms');
  });

  it('reports undici header, body and connect timeouts as timeouts', () => {
    for (const error of [
      new errors.HeadersTimeoutError(),
      new errors.BodyTimeoutError(),
      new errors.ConnectTimeoutError(),
    ]) {
      expect(classifyTransportError(error, call)?.failure).toBe('timeout');
    }
  });

  it('reports refused, reset and broken connections as network failures', () => {
    expect(classifyTransportError(withCode('ECONNREFUSED'), call)?.failure).toBe('network');
    expect(classifyTransportError(new errors.SocketError('other side closed'), call)?.failure).toBe(
      'network',
    );
    const reset = new TypeError('fetch failed', { cause: withCode('ECONNRESET') });
    expect(classifyTransportError(reset, call)?.message).toBe(
      'calendar list_events: connection failed (ECONNRESET)',
    );
  });

  it('looks inside AggregateError from multi-address connects', () => {
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]);
    expect(classifyTransportError(aggregate, call)?.failure).toBe('network');
  });

  it('makes a call that must happen at most once, broken after it was written, an unknown outcome', () => {
    const written = { ...call, atMostOnce: true, requestWritten: true };
    const late = classifyTransportError(new errors.HeadersTimeoutError(), written);
    expect(late).toMatchObject({ failure: 'outcome-unknown', retryable: false });
    expect(late?.message).toBe(
      'calendar list_events: no answer within 500 ms after the request was sent; the platform may have acted on it',
    );
    const reset = classifyTransportError(withCode('ECONNRESET'), written);
    expect(reset?.message).toBe(
      'calendar list_events: connection broke (ECONNRESET) after the request was sent; the platform may have acted on it',
    );
  });

  it('keeps failures before the request was written retryable, even for at-most-once calls', () => {
    const unwritten = { ...call, atMostOnce: true, requestWritten: false };
    for (const error of [
      new errors.ConnectTimeoutError(),
      withCode('ECONNREFUSED'),
      withCode('ENOTFOUND'),
    ]) {
      expect(classifyTransportError(error, unwritten)?.retryable).toBe(true);
    }
    expect(
      classifyTransportError(new Error('aborted'), { ...unwritten, deadlinePassed: true })?.failure,
    ).toBe('timeout');
  });

  it('leaves errors that are not transport failures alone', () => {
    expect(classifyTransportError(new errors.InvalidArgumentError('bad header'), call)).toBe(
      undefined,
    );
    expect(classifyTransportError('weird', call)).toBeUndefined();
  });
});
