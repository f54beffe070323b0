import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';

/**
 * An undici interceptor that calls `onWrite` when the request is handed to a connected socket
 * (undici's `onConnect`, invoked just before it writes the request line). Before that the
 * request waited in the pool's queue, for DNS or for a connection, and the platform cannot
 * have seen it; from then on it may have. That line is what tells a send that is safe to
 * repeat from one whose outcome is unknown.
 *
 * A request whose deadline fired while it was queued still reaches `onConnect`: undici only
 * then aborts it, before writing a byte. Such a request was not written.
 */
export function noticeWrite(onWrite: () => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) =>
    function dispatchNoticingWrite(options, handler) {
      return dispatch(options, new WriteNoticingHandler(handler, onWrite));
    };
}

/** Forwards every callback to undici's own handler; only `onConnect` is looked at. */
class WriteNoticingHandler implements Dispatcher.DispatchHandlers {
  constructor(
    private readonly inner: Dispatcher.DispatchHandlers,
    private readonly onWrite: () => void,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    let abortedBeforeWrite = false;
    this.inner.onConnect?.((err) => {
      abortedBeforeWrite = true;
      abort(err);
    });
    if (!abortedBeforeWrite) this.onWrite();
  }

  onError(err: Error): void {
    this.inner.onError?.(err);
  }

  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, socket: Duplex): void {
    this.inner.onUpgrade?.(statusCode, headers, socket);
  }

  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string) {
    return this.inner.onHeaders?.(statusCode, headers, resume, statusText) ?? true;
  }

  onData(chunk: Buffer): boolean {
    return this.inner.onData?.(chunk) ?? true;
  }

  onComplete(trailers: string[] | null): void {
    this.inner.onComplete?.(trailers);
  }

  onBodySent(chunkSize: number, totalBytesSent: number): void {
    this.inner.onBodySent?.(chunkSize, totalBytesSent);
  }
}
