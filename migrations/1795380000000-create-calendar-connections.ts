import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Google Calendar connections (src/calendar/).
 *
 * - One connection per tenant (`tenant_id` unique): one Google account, several calendars.
 * - `refresh_token` and `access_token` are sealed by SecretBox (context
 *   `calendar_connections.<column>:<id>`). `status` becomes `needs_reauth` when Google answers
 *   `invalid_grant`; a reconnect (a new consent) sets it back to `active`.
 * - `calendar_calendars`: the calendars the account granted, as calendarList named them at
 *   connect time (id, name, time zone), so routes and availability know them without asking.
 * - `calendar_settings`: the tenant's default time zone and working hours (one weekly schedule
 *   for every calendar, optionally one per calendar id).
 */
export class CreateCalendarConnections1795380000000 implements MigrationInterface {
  name = 'CreateCalendarConnections1795380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE calendar_connections (
        id                        uuid PRIMARY KEY,
        tenant_id                 uuid NOT NULL UNIQUE REFERENCES tenants (id) ON DELETE CASCADE,
        google_account            text NOT NULL,
        scopes                    text[] NOT NULL,
        status                    text NOT NULL DEFAULT 'active'
                                  CHECK (status IN ('active', 'needs_reauth')),
        refresh_token             text NOT NULL,
        access_token              text,
        access_token_expires_at   timestamptz,
        needs_reauth_since        timestamptz,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE calendar_calendars (
        connection_id  uuid NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
        tenant_id      uuid NOT NULL,
        calendar_id    text NOT NULL,
        summary        text NOT NULL,
        time_zone      text NOT NULL,
        is_primary     boolean NOT NULL DEFAULT false,
        access_role    text NOT NULL,
        PRIMARY KEY (connection_id, calendar_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_calendars_tenant_idx ON calendar_calendars (tenant_id, calendar_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE calendar_settings (
        tenant_id      uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        time_zone      text,
        working_hours  jsonb,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_settings`);
    await queryRunner.query(`DROP TABLE calendar_calendars`);
    await queryRunner.query(`DROP TABLE calendar_connections`);
  }
}
