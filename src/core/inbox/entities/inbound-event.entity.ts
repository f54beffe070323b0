import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One webhook delivery, stored before the platform gets its 2xx. Rows are kept at least
 * `INBOX_RETENTION_DAYS` after receipt so redeliveries within the platforms' retry windows hit
 * the unique (source, external_id) pair and are dropped. Writes go through InboxRepository.
 */
@Entity({ name: 'inbound_events' })
@Unique('inbound_events_source_external_id_key', ['source', 'externalId'])
@Index('inbound_events_received_at_idx', ['receivedAt'])
@Index('inbound_events_unenqueued_idx', ['receivedAt'], { where: 'enqueued_at IS NULL' })
@Index('inbound_events_stalled_idx', ['enqueuedAt'], {
  where: 'processed_at IS NULL AND attempts = 0',
})
export class InboundEventEntity {
  /** UUIDv7 (see newId); also the BullMQ job id of the `inbound` job that processes it. */
  @PrimaryColumn('uuid')
  id!: string;

  /** The platform that sent it: 'meta', 'evolution', 'bitrix24', 'google-calendar'. */
  @Column({ type: 'text' })
  source!: string;

  /**
   * The platform's event id, or the SHA-256 hex of the raw body when it gives none; an id over
   * MAX_EXTERNAL_ID_BYTES is kept as `sha256:<hex of the id>` (see inboxExternalId).
   */
  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  /** Known at intake for some sources; resolved by the handler for others. */
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'account_ref', type: 'text', nullable: true })
  accountRef!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  /** Set once the `inbound` job exists; NULL rows are the sweeper's work. */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  /** Handling attempts so far, successful or not. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
