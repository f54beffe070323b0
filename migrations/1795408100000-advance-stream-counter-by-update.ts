import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recording an event advances its stream's counter with a plain UPDATE, and inserts the
 * counter row only when the stream has none yet (its first event). The INSERT … ON CONFLICT DO
 * UPDATE it replaces, on a row that nearly always exists, probed the key for a conflict, locked
 * the row (a WAL record of its own) and then updated it: one WAL record more per event, two per
 * send. A stream created concurrently by another transaction between the UPDATE and the INSERT
 * still meets the ON CONFLICT, which waits for that transaction and advances its row.
 */
export class AdvanceStreamCounterByUpdate1795408100000 implements MigrationInterface {
  name = 'AdvanceStreamCounterByUpdate1795408100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(takeSeq(true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(takeSeq(false));
  }
}

/** domain_events_take_seq as 1795407100000 left it, the counter advanced by UPDATE first or not. */
function takeSeq(updateFirst: boolean): string {
  const advance = `last_seq = s.last_seq + 1,
        pending = true,
        -- a stream waiting out one subscriber's backoff is due again for the others;
        -- a leased one stays with its worker, whose acknowledgement sees the new seq
        available_at = CASE WHEN s.leased_by IS NULL THEN NULL ELSE s.available_at END`;
  const update = updateFirst
    ? `UPDATE domain_event_streams AS s SET ${advance}
        WHERE s.stream_id = NEW.stream_id
        RETURNING last_seq INTO NEW.seq;
      IF FOUND THEN
        RETURN NEW;
      END IF;`
    : '';
  return `
    CREATE OR REPLACE FUNCTION domain_events_take_seq() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.conversation_id IS NOT NULL AND NEW.stream_id = NEW.conversation_id
          AND NEW.type NOT IN ('message.sent', 'message.status_changed') THEN
        PERFORM 1 FROM conversations WHERE id = NEW.conversation_id FOR NO KEY UPDATE;
      END IF;
      ${update}
      INSERT INTO domain_event_streams AS s (stream_id, tenant_id, last_seq)
      VALUES (NEW.stream_id, NEW.tenant_id, 1)
      ON CONFLICT (stream_id) DO UPDATE SET ${advance}
      RETURNING last_seq INTO NEW.seq;
      RETURN NEW;
    END $$`;
}
