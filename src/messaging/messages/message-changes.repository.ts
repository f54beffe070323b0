import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { messageEvents } from '../events/record-events.sql';
import { MessageChangeEvent, messagePartId } from '../inbound/normalized-event';
import { MessageContentCodec, SEALED_CONTENT } from './encryption/message-content.codec';

/** What applying a change did: `unknown` when no message of the account has that id. */
export type ChangeOutcome = 'applied' | 'unchanged' | 'unknown';

/**
 * A sender's edits and deletions of a stored message, each with its event
 * (`message.edited`, `message.deleted`) in the same statement. Idempotent and order-safe:
 * an edit applies only when newer than the last one (a redelivered or late older edit changes
 * nothing), nothing applies to a deleted message, and a deletion removes the content once.
 * An edit of a text message replaces its text; of a media message, its caption.
 */
@Injectable()
export class MessageChangesRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: MessageContentCodec,
  ) {}

  async apply(accountId: string, event: MessageChangeEvent): Promise<ChangeOutcome> {
    const { providerMessageId, change, at } = event;
    if (change.type === 'edited') {
      return this.edit(accountId, providerMessageId, change.text, at);
    }
    // Deleting a message deletes every part it was stored as (messagePartId): parts are
    // numbered without gaps, so the first id no message has ends them. One indexed
    // statement per part; a crash half-way is finished by the inbox's retry (idempotent).
    let outcome: ChangeOutcome = 'unknown';
    for (let part = 0; ; part += 1) {
      const partOutcome = await this.delete(accountId, messagePartId(providerMessageId, part), at);
      if (partOutcome === 'unknown') return outcome;
      if (partOutcome === 'applied' || outcome === 'unknown') outcome = partOutcome;
    }
  }

  private async edit(
    accountId: string,
    providerMessageId: string,
    text: string,
    at: Date,
  ): Promise<ChangeOutcome> {
    // A sealed message gets its new text sealed too (MessageContentCodec): read its id first.
    const [stored]: { id: string; sealed: boolean }[] = await this.db.query(
      `SELECT id, content ? '${SEALED_CONTENT.mark}' AS sealed FROM messages
        WHERE channel_account_id = $1 AND provider_message_id = $2`,
      [accountId, providerMessageId],
    );
    const sealed = stored?.sealed ?? false;
    const asText = this.codec.fieldForStorage(stored?.id ?? '', ['text'], text, sealed);
    const asCaption = this.codec.fieldForStorage(
      stored?.id ?? '',
      ['media', 'caption'],
      text,
      sealed,
    );
    const rows: OutcomeRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE messages SET
           content = CASE
             WHEN type = 'text' THEN jsonb_set(content, '{text}', to_jsonb($3::text))
             WHEN content ? 'media' THEN jsonb_set(content, '{media,caption}', to_jsonb($5::text))
             ELSE content END,
           edited_at = $4, updated_at = now()
          WHERE channel_account_id = $1 AND provider_message_id = $2
            AND deleted_at IS NULL AND (edited_at IS NULL OR edited_at < $4)
         RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('changed', 'message.edited')})
       ${OUTCOME}`,
      [accountId, providerMessageId, asText, at, asCaption],
    );
    return outcomeOf(rows);
  }

  private async delete(
    accountId: string,
    providerMessageId: string,
    at: Date,
  ): Promise<ChangeOutcome> {
    const rows: OutcomeRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE messages SET content = '{}'::jsonb, deleted_at = $3, updated_at = now()
          WHERE channel_account_id = $1 AND provider_message_id = $2 AND deleted_at IS NULL
         RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('changed', 'message.deleted')})
       ${OUTCOME}`,
      [accountId, providerMessageId, at],
    );
    return outcomeOf(rows);
  }
}

interface OutcomeRow {
  changed: number;
  known: boolean;
}

function outcomeOf([row]: OutcomeRow[]): ChangeOutcome {
  if (row.changed > 0) return 'applied';
  return row.known ? 'unchanged' : 'unknown';
}

const OUTCOME = `SELECT (SELECT count(*) FROM changed)::int AS changed,
  EXISTS (SELECT 1 FROM messages WHERE channel_account_id = $1 AND provider_message_id = $2) AS known`;
