import type { MessagingEventType } from './messaging-event';

/**
 * SQL that records events in the statement making the change (transactional outbox): the
 * change and its event commit together or not at all, and no statement or commit is added.
 * Each helper is a data-modifying CTE body that reads the changed rows of an earlier CTE
 * (`from`) by the column names given; the stream's `seq` is set by the domain_events trigger.
 */

const INSERT = `INSERT INTO domain_events
  (tenant_id, stream_id, type, conversation_id, message_id, contact_id, status, error_code)`;

/** A literal for a constant event type (never user input). */
const literal = (type: MessagingEventType): string => `'${type}'`;

/**
 * A message event per row of `from` (columns id, tenant_id, conversation_id, status,
 * error_code), where `where` holds. `type` is an event type or a SQL expression choosing one.
 */
export function messageEvents(
  from: string,
  type: MessagingEventType | { sql: string },
  where = 'true',
): string {
  const typeSql = typeof type === 'string' ? literal(type) : type.sql;
  // Ordered by stream, so a statement recording many streams takes their counters in one
  // order and two such statements cannot deadlock.
  return `${INSERT}
    SELECT tenant_id, conversation_id, ${typeSql}, conversation_id, id, NULL, status, error_code
      FROM ${from} WHERE ${where} ORDER BY conversation_id`;
}

/** `conversation.opened` per row of `from` (columns id, tenant_id, contact_id) where `where`. */
export function conversationOpenedEvents(from: string, where: string): string {
  return `${INSERT}
    SELECT tenant_id, id, ${literal('conversation.opened')}, id, NULL, contact_id, NULL, NULL
      FROM ${from} WHERE ${where}`;
}

/** `contact.updated` once per contact among the rows of `from` (columns tenant_id, contact_id). */
export function contactUpdatedEvents(from: string): string {
  return `${INSERT}
    SELECT DISTINCT tenant_id, contact_id, ${literal('contact.updated')}, NULL::uuid, NULL::uuid,
           contact_id, NULL, NULL
      FROM ${from}`;
}

/**
 * `account.status_changed` per row of `from` (columns id, tenant_id, status) where `where`;
 * the account is the stream, so its status changes are ordered among themselves.
 */
export function accountStatusEvents(from: string, where = 'true'): string {
  return `${INSERT}
    SELECT tenant_id, id, ${literal('account.status_changed')}, NULL::uuid, NULL::uuid, NULL::uuid,
           status, NULL
      FROM ${from} WHERE ${where}`;
}
