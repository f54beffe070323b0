import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TikTok's reply count (10 messages within 48 hours of the person's last message), reserved
 * atomically: one row per account and contact holding the replies counted in the current
 * window, raised by a conditional upsert, so two sends checked at the same time cannot both
 * take the last slot (src/tiktok/rules/tiktok-reply-reservations.ts).
 */
export class CreateTiktokReplyReservations1795402100000 implements MigrationInterface {
  name = 'CreateTiktokReplyReservations1795402100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tiktok_reply_reservations (
        channel_account_id  uuid NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
        contact_id          uuid NOT NULL,
        window_start        timestamptz NOT NULL,
        replies             integer NOT NULL CHECK (replies >= 0),
        reserved_at         timestamptz NOT NULL,
        PRIMARY KEY (channel_account_id, contact_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tiktok_reply_reservations`);
  }
}
