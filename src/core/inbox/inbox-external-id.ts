import { createHash } from 'node:crypto';

/**
 * Longest external id stored as sent, in UTF-8 bytes. Platforms' event ids are under 100
 * characters; the (source, external_id) btree refuses rows over ~2,700 bytes, and a delivery
 * refused with 500 is retried by the platform for days.
 */
export const MAX_EXTERNAL_ID_BYTES = 256;

const HASHED_PREFIX = 'sha256:';

/**
 * The id the inbox deduplicates on: `id` itself, or when it is longer than
 * MAX_EXTERNAL_ID_BYTES its SHA-256, so every redelivery of an oversized id still maps to the
 * same row. The prefix keeps a hashed id apart from a platform id that happens to be hex.
 */
export function inboxExternalId(id: string): string {
  if (Buffer.byteLength(id) <= MAX_EXTERNAL_ID_BYTES) return id;
  return HASHED_PREFIX + sha256Hex(id);
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
