import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messaging event stream (transactional outbox). `domain_events` holds what happened, ids
 * and types only, written by the same statement as the change. Events are ordered per stream
 * (a conversation, or a contact for contact events) by `seq`, which a trigger takes from the
 * stream's counter row: the row stays locked until the recording transaction ends, so seq
 * n + 1 never commits before seq n and a reader never sees a gap fill in later.
 * `domain_event_streams` is also the delivery queue: a partial index finds the streams with
 * events some subscriber has not had; a worker leases a stream (`leased_by`, `available_at`)
 * while it delivers. Each subscriber's progress per stream is a cursor; events a subscriber
 * kept failing on are kept as dead letters until re-driven.
 */
export class CreateDomainEvents1795369000000 implements MigrationInterface {
  name = 'CreateDomainEvents1795369000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE domain_event_streams (
        stream_id     uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        last_seq      bigint NOT NULL,
        pending       boolean NOT NULL DEFAULT true,
        leased_by     uuid,
        available_at  timestamptz,
        CONSTRAINT domain_event_streams_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    // the delivery poll: streams some subscriber is behind on, free to lease
    await queryRunner.query(
      `CREATE INDEX domain_event_streams_pending_idx ON domain_event_streams (available_at NULLS FIRST)
        WHERE pending`,
    );

    await queryRunner.query(`
      CREATE TABLE domain_events (
        -- UUIDv7 like every row id (time-ordered: appends to the right of the index), made
        -- here because events are recorded by SQL that has no application-made id at hand
        id               uuid PRIMARY KEY DEFAULT encode(
                           set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
                             substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                             FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
        tenant_id        uuid NOT NULL,
        stream_id        uuid NOT NULL,
        seq              bigint NOT NULL,
        type             text NOT NULL,
        conversation_id  uuid,
        message_id       uuid,
        contact_id       uuid,
        status           text,
        error_code       text,
        occurred_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT domain_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        -- delivery reads a stream's events after a cursor, in order
        CONSTRAINT domain_events_stream_seq_key UNIQUE (stream_id, seq)
      )`);
    // retention walks the oldest events first
    await queryRunner.query(
      `CREATE INDEX domain_events_occurred_at_idx ON domain_events (occurred_at)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION domain_events_take_seq() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
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
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER domain_events_take_seq BEFORE INSERT ON domain_events
         FOR EACH ROW EXECUTE FUNCTION domain_events_take_seq()`,
    );

    await queryRunner.query(`
      CREATE TABLE domain_event_cursors (
        subscriber     text NOT NULL,
        stream_id      uuid NOT NULL,
        delivered_seq  bigint NOT NULL,
        attempts       integer NOT NULL DEFAULT 0,
        retry_at       timestamptz,
        CONSTRAINT domain_event_cursors_pkey PRIMARY KEY (subscriber, stream_id),
        CONSTRAINT domain_event_cursors_stream_id_fkey FOREIGN KEY (stream_id) REFERENCES domain_event_streams (stream_id) ON DELETE CASCADE
      )`);

    await queryRunner.query(`
      CREATE TABLE domain_event_dead_letters (
        id          uuid PRIMARY KEY,
        subscriber  text NOT NULL,
        event_id    uuid NOT NULL,
        tenant_id   uuid NOT NULL,
        attempts    integer NOT NULL,
        last_error  text NOT NULL,
        dead_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT domain_event_dead_letters_event_id_fkey FOREIGN KEY (event_id) REFERENCES domain_events (id) ON DELETE CASCADE,
        CONSTRAINT domain_event_dead_letters_subscriber_event_key UNIQUE (subscriber, event_id)
      )`);
    // the dead-letter view (newest first, keyset by id) and retention's "kept for re-drive" probe
    await queryRunner.query(
      `CREATE INDEX domain_event_dead_letters_tenant_idx ON domain_event_dead_letters (tenant_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX domain_event_dead_letters_event_idx ON domain_event_dead_letters (event_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE domain_event_dead_letters`);
    await queryRunner.query(`DROP TABLE domain_event_cursors`);
    await queryRunner.query(`DROP TRIGGER domain_events_take_seq ON domain_events`);
    await queryRunner.query(`DROP FUNCTION domain_events_take_seq()`);
    await queryRunner.query(`DROP TABLE domain_events`);
    await queryRunner.query(`DROP TABLE domain_event_streams`);
  }
}
