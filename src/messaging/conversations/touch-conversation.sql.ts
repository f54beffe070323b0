import { conversationOpenedEvents } from '../events/record-events.sql';

/**
 * Two CTEs, `touched` and `opened`, for a statement that moves a conversation's activity to
 * `at` (and its customer window to `inboundAt`, an SQL expression, NULL for the business's own
 * message): the conversation of the contact on the account, created if needed with its
 * `conversation.opened` (`opened` returns a row per event recorded, so a later event of the
 * statement can read it to take the stream's next seq). `touched` returns id, tenant_id,
 * contact_id and created. Arguments are SQL placeholders; `onlyIf`, a relation (a CTE) of the
 * statement: nothing is touched when it is empty.
 */
export function touchConversationSql(p: {
  id: string;
  tenantId: string;
  accountId: string;
  contactId: string;
  at: string;
  inboundAt: string;
  onlyIf?: string;
}): string {
  const row = `${p.id}, ${p.tenantId}, ${p.accountId}, ${p.contactId}, ${p.at}, ${p.inboundAt}`;
  return `touched AS (
         INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, last_message_at, last_inbound_at)
         ${p.onlyIf ? `SELECT ${row} FROM ${p.onlyIf}` : `VALUES (${row})`}
         ON CONFLICT (channel_account_id, contact_id) DO UPDATE SET
           last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at),
           last_inbound_at = GREATEST(conversations.last_inbound_at, EXCLUDED.last_inbound_at),
           status = 'open',
           updated_at = now()
         -- xmax is 0 on a row this statement inserted, set on one it updated
         RETURNING id, tenant_id, contact_id, xmax = 0 AS created),
       opened AS (${conversationOpenedEvents('touched', 'created')} RETURNING 1)`;
}
