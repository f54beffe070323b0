import { v7 } from 'uuid';

/**
 * Row ids are UUIDv7: time-ordered, so new rows append to the right of B-tree indexes and
 * ordering by id is ordering by creation, which keyset pagination relies on.
 */
export function newId(): string {
  return v7();
}
