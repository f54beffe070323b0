import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInboundEvents1795360100000 implements MigrationInterface {
  name = 'CreateInboundEvents1795360100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The webhook inbox. `external_id` is the platform's event id, or the SHA-256 of the raw
    // body when the platform sends none; the unique pair is what makes redeliveries no-ops.
    await queryRunner.query(`
      CREATE TABLE inbound_events (
        id            uuid PRIMARY KEY,
        source        text NOT NULL,
        external_id   text NOT NULL,
        tenant_id     uuid,
        account_ref   text,
        payload       jsonb NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        enqueued_at   timestamptz,
        processed_at  timestamptz,
        attempts      integer NOT NULL DEFAULT 0,
        last_error    text,
        CONSTRAINT inbound_events_source_external_id_key UNIQUE (source, external_id)
      )`);
    // The sweeper looks only at rows that never reached the queue: a handful at any time, so a
    // partial index keeps its scan tiny however large the table grows.
    await queryRunner.query(`
      CREATE INDEX inbound_events_unenqueued_idx ON inbound_events (received_at)
        WHERE enqueued_at IS NULL`);
    // Retention deletes by age.
    await queryRunner.query(
      `CREATE INDEX inbound_events_received_at_idx ON inbound_events (received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_events`);
  }
}
