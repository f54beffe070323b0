import { conversationOpenedEvents } from '../events/record-events.sql';
import { SEALED_CONTENT } from '../messages/encryption/message-content.codec';

/**
 * The business's message a statement stores with its touch, when nothing can skip that insert
 * (see touchConversationSql): SQL placeholders for its id, type and stored content, and the
 * condition (SQL) under which the insert is certain.
 */
export interface StoredWithTouch {
  id: string;
  type: string;
  content: string;
  certainIf: string;
}

/**
 * Two CTEs, `touched` and `opened`, for a statement that moves a conversation's activity to
 * `at` (and its customer window to `inboundAt`, an SQL expression, NULL for the business's own
 * message): the conversation of the contact on the account, created if needed with its
 * `conversation.opened` (`opened` returns a row per event recorded, so a later event of the
 * statement can read it to take the stream's next seq). `touched` returns id, tenant_id,
 * contact_id and created. Arguments are SQL placeholders; `onlyIf`, a relation (a CTE) of the
 * statement: nothing is touched when it is empty.
 *
 * With `storing`, an existing conversation also takes the list's copy of that message (its
 * last message, 1795405000000) when it is the newest, in the same row version: the insert's
 * trigger then finds the copy in place and leaves the row alone. Written by the trigger, the
 * copy was a second update of the row, and a row updated earlier in the same transaction
 * has its foreign keys checked again on update: two row locks (account, contact) per send.
 */
export function touchConversationSql(p: {
  id: string;
  tenantId: string;
  accountId: string;
  contactId: string;
  at: string;
  inboundAt: string;
  onlyIf?: string;
  storing?: StoredWithTouch;
}): string {
  const row = `${p.id}, ${p.tenantId}, ${p.accountId}, ${p.contactId}, ${p.at}, ${p.inboundAt}`;
  return `touched AS (
         INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, last_message_at, last_inbound_at)
         ${p.onlyIf ? `SELECT ${row} FROM ${p.onlyIf}` : `VALUES (${row})`}
         ON CONFLICT (channel_account_id, contact_id) DO UPDATE SET
           last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at),
           last_inbound_at = GREATEST(conversations.last_inbound_at, EXCLUDED.last_inbound_at),
           status = 'open',${p.storing ? `\n           ${lastMessageCopySql(p.storing)},` : ''}
           updated_at = now()
         -- xmax is 0 on a row this statement inserted, set on one it updated
         RETURNING id, tenant_id, contact_id, xmax = 0 AS created),
       opened AS (${conversationOpenedEvents('touched', 'created')} RETURNING 1)`;
}

/** The copy's columns as the list-copy trigger writes them (messages_copy_last_on_insert). */
function lastMessageCopySql(message: StoredWithTouch): string {
  const newest = `${message.certainIf} AND (conversations.last_message_id IS NULL
                   OR conversations.last_message_id < ${message.id}::uuid)`;
  const copy: [column: string, value: string][] = [
    ['last_message_id', `${message.id}::uuid`],
    ['last_message_direction', `'outbound'`],
    ['last_message_type', `${message.type}::text`],
    ['last_message_text', `message_preview_text(${message.type}::text, ${message.content}::jsonb)`],
    ['last_message_sealed', `${message.content}::jsonb ? '${SEALED_CONTENT.mark}'`],
    // the message's created_at: its default, the transaction's now()
    ['last_message_created_at', 'now()'],
  ];
  return copy
    .map(
      ([column, value]) =>
        `${column} = CASE WHEN ${newest} THEN ${value} ELSE conversations.${column} END`,
    )
    .join(',\n           ');
}
