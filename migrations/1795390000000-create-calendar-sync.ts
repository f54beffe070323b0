import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-way Google Calendar sync (src/calendar/sync/).
 *
 * - `calendar_channels`: push channels opened by events.watch, one live per synced calendar
 *   (two while one is being renewed). `id` is the channel id Google echoes in
 *   X-Goog-Channel-ID; `token` (the X-Goog-Channel-Token secret) is sealed by SecretBox
 *   (context `calendar_channels.token:<id>`).
 * - `calendar_sync_states`: per calendar, the `nextSyncToken` of the last completed sync (null:
 *   the next sync is a full one).
 * - `calendar_appointments`: what the last sync saw of each event of the tenant (times, status,
 *   version), so a push tells a real change (moved, cancelled) from a repeat and other modules
 *   read appointments by our id (`id`, the stream of `appointment.changed`).
 */
export class CreateCalendarSync1795390000000 implements MigrationInterface {
  name = 'CreateCalendarSync1795390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE calendar_channels (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL,
        connection_id  uuid NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
        calendar_id    text NOT NULL,
        resource_id    text NOT NULL,
        token          text NOT NULL,
        expires_at     timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_channels_calendar_idx
         ON calendar_channels (connection_id, calendar_id, expires_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX calendar_channels_expiry_idx ON calendar_channels (expires_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE calendar_sync_states (
        connection_id   uuid NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
        calendar_id     text NOT NULL,
        tenant_id       uuid NOT NULL,
        sync_token      text,
        last_synced_at  timestamptz,
        PRIMARY KEY (connection_id, calendar_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE calendar_appointments (
        id              uuid PRIMARY KEY,
        tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        calendar_id     text NOT NULL,
        event_id        text NOT NULL,
        status          text NOT NULL,
        starts_at       timestamptz,
        ends_at         timestamptz,
        contact_id      uuid,
        etag            text NOT NULL,
        google_updated  timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT calendar_appointments_event_key UNIQUE (tenant_id, calendar_id, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_appointments`);
    await queryRunner.query(`DROP TABLE calendar_sync_states`);
    await queryRunner.query(`DROP TABLE calendar_channels`);
  }
}
