import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The conversation list reads one row per conversation: each conversation carries copies of
 * what the list shows of its last message (id, direction, type, text preview, time) and of its
 * contact (name, phone, picture). Reading them through the messages and contacts indexes
 * cost one B-tree descent per listed conversation and table, so a page's buffers grew with
 * the tables (349 at 10k messages, 517 at 5M; npm run bench -- history). Read off the row, a
 * page of 50 touches 56 at 10k and 58 at 5M.
 *
 * Triggers keep the copies, inside the statement that changes the original, so no write path
 * can forget them (inserts, edits and deletions by the sender, echo folding, retention,
 * merges, re-sealing, and SQL run by hand):
 * - a message inserted becomes its conversation's last when its id (UUIDv7, time-ordered) is
 *   the highest, which is the order the list always used (`ORDER BY id DESC`);
 * - a message whose content, type, direction or conversation changes refreshes the copy of
 *   every conversation it is or was the last message of; a message deleted, likewise;
 * - a contact's name, phone or picture changing rewrites its conversations' copies; a
 *   conversation created, or moved to another contact (a merge), copies its contact's.
 * Erasure deletes the contact, whose conversations (and the copies on them) cascade away;
 * retention's deletions move the copy to the newest message left, or clear it.
 *
 * The text copy is what the list showed before: a plain text cut to 120 characters
 * (PREVIEW_CHARS), a sealed text (MessageContentCodec) as stored, opened by the app with the
 * message's id, so a tenant's sealed text is never plain at rest here either.
 *
 * Backfilled in batches of conversations, each its own short transaction, so a large table
 * keeps taking writes. A batch locks its conversations first and reads messages and contacts
 * in the next statement, after every change that got to those rows first has committed; the
 * message triggers lock the conversations they may touch before deciding, so a change that
 * comes later waits for the batch and is applied on top of it.
 */
export class AddConversationListCopies1795405000000 implements MigrationInterface {
  name = 'AddConversationListCopies1795405000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    // A backfill cut short (a failed deploy) is not recorded as run: the next run finds the
    // columns and triggers in place and backfills again, which is idempotent.
    if (!(await queryRunner.hasColumn('conversations', 'last_message_id'))) {
      await queryRunner.startTransaction();
      try {
        for (const statement of CREATE) await queryRunner.query(statement);
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    }
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      await queryRunner.startTransaction();
      try {
        const batch = (await queryRunner.query(
          `SELECT id FROM conversations WHERE id > $1 ORDER BY id LIMIT ${BACKFILL_BATCH} FOR UPDATE`,
          [after],
        )) as { id: string }[];
        if (batch.length) {
          await queryRunner.query(BACKFILL, [batch.map((row) => row.id)]);
          after = batch[batch.length - 1].id;
        }
        await queryRunner.commitTransaction();
        if (batch.length < BACKFILL_BATCH) return;
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER conversations_copy_contact_on_insert ON conversations;
      DROP TRIGGER conversations_copy_contact_on_move ON conversations;
      DROP TRIGGER contacts_copy_to_conversations ON contacts;
      DROP TRIGGER messages_copy_last_on_insert ON messages;
      DROP TRIGGER messages_copy_last_on_update ON messages;
      DROP TRIGGER messages_copy_last_on_delete ON messages;
      DROP FUNCTION conversations_copy_contact_on_insert();
      DROP FUNCTION conversations_copy_contact_on_move();
      DROP FUNCTION contacts_copy_to_conversations();
      DROP FUNCTION messages_copy_last_on_insert();
      DROP FUNCTION messages_copy_last_on_update();
      DROP FUNCTION messages_copy_last_on_delete();
      DROP FUNCTION conversations_refresh_last_message(uuid[]);
      DROP FUNCTION message_preview_text(text, jsonb);
      ALTER TABLE conversations
        DROP COLUMN last_message_id, DROP COLUMN last_message_direction,
        DROP COLUMN last_message_type, DROP COLUMN last_message_text,
        DROP COLUMN last_message_sealed, DROP COLUMN last_message_created_at,
        DROP COLUMN contact_display_name, DROP COLUMN contact_phone,
        DROP COLUMN contact_avatar_url`);
  }
}

const BACKFILL_BATCH = 1000;

/** The last message's columns as the copy holds them, from messages row `m`. */
const LAST_MESSAGE_OF = (m: string) =>
  `${m}.id, ${m}.direction, ${m}.type, message_preview_text(${m}.type, ${m}.content),
   ${m}.content ? '$sealed', ${m}.created_at`;

const LAST_MESSAGE_COLUMNS = `last_message_id, last_message_direction, last_message_type,
  last_message_text, last_message_sealed, last_message_created_at`;

const CREATE = [
  `ALTER TABLE conversations
     ADD COLUMN last_message_id uuid,
     ADD COLUMN last_message_direction text,
     ADD COLUMN last_message_type text,
     ADD COLUMN last_message_text text,
     ADD COLUMN last_message_sealed boolean,
     ADD COLUMN last_message_created_at timestamptz,
     ADD COLUMN contact_display_name text,
     ADD COLUMN contact_phone text,
     ADD COLUMN contact_avatar_url text`,

  // 120 is PREVIEW_CHARS; a sealed text cannot be cut here and is cut once opened.
  `CREATE FUNCTION message_preview_text(type text, content jsonb) RETURNS text
     LANGUAGE sql IMMUTABLE AS $$
       SELECT CASE WHEN type = 'text' AND content ? '$sealed' THEN content ->> 'text'
                   WHEN type = 'text' THEN left(content ->> 'text', 120) END $$`,

  // Conversations `ids` (locked by the caller) take their newest message, or none.
  `CREATE FUNCTION conversations_refresh_last_message(ids uuid[]) RETURNS void
     LANGUAGE sql AS $$
       UPDATE conversations c SET (${LAST_MESSAGE_COLUMNS}) = (
         SELECT ${LAST_MESSAGE_OF('m')} FROM messages m
          WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1)
        WHERE c.id = ANY(ids) $$`,

  `CREATE FUNCTION messages_copy_last_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE conversations c SET (${LAST_MESSAGE_COLUMNS}) = (${LAST_MESSAGE_OF('n')})
       FROM (SELECT DISTINCT ON (conversation_id) * FROM inserted
              ORDER BY conversation_id, id DESC) n
      WHERE c.id = n.conversation_id AND (c.last_message_id IS NULL OR c.last_message_id < n.id);
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER messages_copy_last_on_insert AFTER INSERT ON messages
     REFERENCING NEW TABLE AS inserted
     FOR EACH STATEMENT EXECUTE FUNCTION messages_copy_last_on_insert()`,

  // Row by row, but only for the columns the copy holds: status updates never call it.
  `CREATE FUNCTION messages_copy_last_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM 1 FROM conversations WHERE id IN (OLD.conversation_id, NEW.conversation_id)
       ORDER BY id FOR NO KEY UPDATE;
     IF NEW.conversation_id = OLD.conversation_id THEN
       UPDATE conversations c SET (${LAST_MESSAGE_COLUMNS}) = (${LAST_MESSAGE_OF('NEW')})
        WHERE c.id = NEW.conversation_id AND c.last_message_id = NEW.id;
       RETURN NULL;
     END IF;
     UPDATE conversations c SET (${LAST_MESSAGE_COLUMNS}) = (${LAST_MESSAGE_OF('NEW')})
      WHERE c.id = NEW.conversation_id AND (c.last_message_id IS NULL OR c.last_message_id < NEW.id);
     IF EXISTS (SELECT 1 FROM conversations WHERE id = OLD.conversation_id AND last_message_id = OLD.id) THEN
       PERFORM conversations_refresh_last_message(ARRAY[OLD.conversation_id]);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER messages_copy_last_on_update
     AFTER UPDATE OF content, type, direction, conversation_id ON messages FOR EACH ROW
     WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.type IS DISTINCT FROM NEW.type
           OR OLD.direction IS DISTINCT FROM NEW.direction
           OR OLD.conversation_id IS DISTINCT FROM NEW.conversation_id)
     EXECUTE FUNCTION messages_copy_last_on_update()`,

  `CREATE FUNCTION messages_copy_last_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     affected uuid[];
   BEGIN
     affected := ARRAY(SELECT DISTINCT conversation_id FROM removed);
     PERFORM 1 FROM conversations WHERE id = ANY(affected) ORDER BY id FOR NO KEY UPDATE;
     PERFORM conversations_refresh_last_message(ARRAY(
       SELECT c.id FROM conversations c JOIN removed r ON r.id = c.last_message_id
        WHERE c.id = ANY(affected)));
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER messages_copy_last_on_delete AFTER DELETE ON messages
     REFERENCING OLD TABLE AS removed
     FOR EACH STATEMENT EXECUTE FUNCTION messages_copy_last_on_delete()`,

  `CREATE FUNCTION contacts_copy_to_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE conversations SET contact_display_name = NEW.display_name,
            contact_phone = NEW.phone, contact_avatar_url = NEW.avatar_url
      WHERE contact_id = NEW.id;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER contacts_copy_to_conversations
     AFTER UPDATE OF display_name, phone, avatar_url ON contacts FOR EACH ROW
     WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.phone IS DISTINCT FROM NEW.phone
           OR OLD.avatar_url IS DISTINCT FROM NEW.avatar_url)
     EXECUTE FUNCTION contacts_copy_to_conversations()`,

  // After the insert, not before: a BEFORE INSERT trigger would also run for every message's
  // ON CONFLICT DO UPDATE of an existing conversation. FOR SHARE waits for a rename in flight
  // (and makes a later one wait for this insert), so its copy is never the older name.
  `CREATE FUNCTION conversations_copy_contact_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE conversations c SET contact_display_name = ct.display_name,
            contact_phone = ct.phone, contact_avatar_url = ct.avatar_url
       FROM (SELECT display_name, phone, avatar_url FROM contacts WHERE id = NEW.contact_id FOR SHARE) ct
      WHERE c.id = NEW.id;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER conversations_copy_contact_on_insert AFTER INSERT ON conversations
     FOR EACH ROW EXECUTE FUNCTION conversations_copy_contact_on_insert()`,

  `CREATE FUNCTION conversations_copy_contact_on_move() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     SELECT display_name, phone, avatar_url
       INTO NEW.contact_display_name, NEW.contact_phone, NEW.contact_avatar_url
       FROM contacts WHERE id = NEW.contact_id FOR SHARE;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER conversations_copy_contact_on_move BEFORE UPDATE OF contact_id ON conversations
     FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
     EXECUTE FUNCTION conversations_copy_contact_on_move()`,
];

/** $1: conversation ids, locked by the batch's previous statement. */
const BACKFILL = `
  UPDATE conversations c SET
    (${LAST_MESSAGE_COLUMNS}) = (
      SELECT ${LAST_MESSAGE_OF('m')} FROM messages m
       WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1),
    (contact_display_name, contact_phone, contact_avatar_url) = (
      SELECT display_name, phone, avatar_url FROM contacts WHERE id = c.contact_id)
  WHERE c.id = ANY($1::uuid[])`;
