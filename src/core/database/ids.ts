import { v7 } from 'uuid';

/**
 * Row ids are UUIDv7: time-ordered, so new rows append to the right of B-tree indexes and
 * ordering by id is ordering by creation, which keyset pagination relies on.
 */
export function newId(): string {
  return v7();
}

/**
 * The smallest UUIDv7 of a millisecond: every id minted before it sorts lower, so "older than
 * `time`" is an id range of the primary key (or of an index ending in the id).
 */
export function uuidV7Floor(time: Date): string {
  const hex = time.getTime().toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
