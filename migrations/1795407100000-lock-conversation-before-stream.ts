import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recording a conversation's event takes the conversation row before the stream's counter,
 * for the statements that also update the conversation (a message stored, edited or deleted:
 * its list copy, 1795405000000, is written at the end of the statement). A send touches the
 * conversation first and records its event after; a received message, an edit or a deletion
 * recorded the event first and updated the conversation last: two such statements on one
 * conversation could each hold what the other waited for ("deadlock detected" in a soak).
 * Status changes (`message.sent`, `message.status_changed`) never update the conversation and
 * take no lock on it: they lock their message first, and a send inserting with an idempotency
 * key may wait on that message while holding the conversation. (The business's own messages
 * stored as `message.sent` lock their conversation in their own statement: insertInbound.)
 * The lock is the one an UPDATE of the row takes (FOR NO KEY UPDATE); a statement already
 * holding it pays nothing more.
 */
export class LockConversationBeforeStream1795407100000 implements MigrationInterface {
  name = 'LockConversationBeforeStream1795407100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(takeSeq(true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(takeSeq(false));
  }
}

function takeSeq(lockConversation: boolean): string {
  const lock = lockConversation
    ? `IF NEW.conversation_id IS NOT NULL AND NEW.stream_id = NEW.conversation_id
          AND NEW.type NOT IN ('message.sent', 'message.status_changed') THEN
          PERFORM 1 FROM conversations WHERE id = NEW.conversation_id FOR NO KEY UPDATE;
        END IF;`
    : '';
  return `
    CREATE OR REPLACE FUNCTION domain_events_take_seq() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lock}
      INSERT INTO domain_event_streams AS s (stream_id, tenant_id, last_seq)
      VALUES (NEW.stream_id, NEW.tenant_id, 1)
      ON CONFLICT (stream_id) DO UPDATE SET
        last_seq = s.last_seq + 1,
        pending = true,
        -- a stream waiting out one subscriber's backoff is due again for the others;
        -- a leased one stays with its worker, whose acknowledgement sees the new seq
        available_at = CASE WHEN s.leased_by IS NULL THEN NULL ELSE s.available_at END
      RETURNING last_seq INTO NEW.seq;
      RETURN NEW;
    END $$`;
}
