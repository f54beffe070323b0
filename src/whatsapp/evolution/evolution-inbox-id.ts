import { createHash } from 'node:crypto';
import { storableText } from '@core/api/storable-text';
import { evolutionEventIdOf } from './evolution-webhook.parser';

/**
 * The inbox id of an Evolution delivery: `<account id>:<event id>`, the event id being
 * `event:keyId[:status]`, or the SHA-256 of the raw body for events without a message key.
 *
 * Scoped to the account because WhatsApp gives sender and recipient the same message id: when
 * two tenants' instances see one message (a chat between two of our customers, a group), only
 * the account tells their deliveries apart. An event id PostgreSQL cannot hold (U+0000, an
 * unpaired surrogate: the body is unvalidated) falls back to the body's hash, which identifies
 * the delivery as well.
 */
export function evolutionInboxIdOf(
  accountId: string,
  body: unknown,
  rawBody: Buffer | string,
): string {
  const eventId = evolutionEventIdOf(body);
  const storable = eventId !== undefined && storableText(eventId) === eventId;
  return `${accountId}:${storable ? eventId : createHash('sha256').update(rawBody).digest('hex')}`;
}
