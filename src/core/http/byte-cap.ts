import { Readable, Transform, pipeline } from 'node:stream';

/**
 * `source` passed through unchanged until more than `maxBytes` went by; then the stream fails
 * with `tooLarge()` and the source is destroyed (no more bytes are pulled from the platform).
 * For bodies whose size was not announced, or was announced wrong: the caller checks a
 * Content-Length before it starts, this catches the rest as the bytes flow.
 */
export function capBytes(source: Readable, maxBytes: number, tooLarge: () => Error): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(tooLarge());
      else done(null, chunk);
    },
  });
  // pipeline destroys the source when the counter fails, and fails the counter when the source
  // breaks (a reset connection), so whoever reads the counter sees every failure.
  pipeline(source, counter, () => undefined);
  return counter;
}
