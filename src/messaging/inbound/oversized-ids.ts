import type { NormalizedEvent } from './normalized-event';

/**
 * Longest provider message id or sender address the core stores, in characters (at most 4
 * UTF-8 bytes each). Both are btree keys (messages on account + provider id, identities on
 * tenant + type + value) and PostgreSQL refuses an index row over ~2,700 bytes, so an event
 * carrying a longer one would fail its job on every attempt and end as a dead letter. Real
 * ones are far shorter: a wamid is ~60 characters, a Baileys key id 20-32, a phone 15 digits.
 */
export const MAX_STORED_ID_LENGTH = 256;

/**
 * The field of `event` too long to store (`providerMessageId`, `from.address`, `from.phone`),
 * or undefined. Such an event cannot come from a working platform, and no retry could store it.
 */
export function oversizedIdOf(event: NormalizedEvent): string | undefined {
  const ids: [string, string | undefined][] =
    event.kind === 'message'
      ? [
          ['providerMessageId', event.providerMessageId],
          ['from.address', event.from.address],
          ['from.phone', event.from.phone],
        ]
      : [['providerMessageId', event.providerMessageId]];
  return ids.find(([, value]) => value !== undefined && value.length > MAX_STORED_ID_LENGTH)?.[0];
}
