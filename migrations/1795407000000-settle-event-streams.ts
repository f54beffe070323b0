import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where every subscriber of a stream stands, kept on the stream row when they all stand at
 * the same event (the usual case), instead of one cursor row per subscriber and stream:
 * delivering one event to 13 subscribers rewrote 13 cursor rows (and their index entries) in
 * the acknowledgement. `settled_seq` holds for the subscribers named by `settled_set` (a row
 * of `domain_event_subscriber_sets`, the subscriber names a deployment had); a cursor row
 * is kept only for a subscriber that stands elsewhere (ahead, or backing off on an event), and
 * a subscriber the set does not name (a newer one) is positioned by its cursor row alone.
 */
export class SettleEventStreams1795407000000 implements MigrationInterface {
  name = 'SettleEventStreams1795407000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE domain_event_subscriber_sets (
        id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subscribers  text[] NOT NULL,
        CONSTRAINT domain_event_subscriber_sets_subscribers_key UNIQUE (subscribers)
      )`);
    await queryRunner.query(`
      ALTER TABLE domain_event_streams
        ADD COLUMN settled_seq bigint,
        ADD COLUMN settled_set integer REFERENCES domain_event_subscriber_sets (id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE domain_event_streams DROP COLUMN settled_seq, DROP COLUMN settled_set`,
    );
    await queryRunner.query(`DROP TABLE domain_event_subscriber_sets`);
  }
}
