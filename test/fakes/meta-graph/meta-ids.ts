import { randomBytes, randomInt } from 'node:crypto';

/**
 * Ids shaped like Meta's, so code that stores or logs them meets realistic values. A wamid is
 * base64 of a small binary record holding the recipient's number and a random hex key, like
 * `wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA`.
 */
export function fakeWamid(to: string): string {
  const digits = to.replace(/\D/g, '');
  const key = randomBytes(9).toString('hex').toUpperCase();
  const record = Buffer.concat([
    Buffer.from([0x1c, 0x18, digits.length]),
    Buffer.from(digits, 'ascii'),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, key.length]),
    Buffer.from(key, 'ascii'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

/** Graph object ids (media, templates): 15-16 digit numbers. */
export function fakeGraphId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

/** `fbtrace_id`: what Meta support asks for; opaque, URL-safe. */
export function fakeTraceId(): string {
  return `A${randomBytes(16).toString('base64url').slice(0, 22)}`;
}
