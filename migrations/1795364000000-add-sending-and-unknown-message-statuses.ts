import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound messages gain two statuses: `sending` (a worker claimed the message and is calling
 * the provider; two workers never send one message) and `unknown` (the send may or may not
 * have gone out: no answer after the request was written, or the worker died mid-send). A
 * partial index finds the few unsettled sends of a conversation when the platform echoes one.
 */
export class AddSendingAndUnknownMessageStatuses1795364000000 implements MigrationInterface {
  name = 'AddSendingAndUnknownMessageStatuses1795364000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('received', 'queued', 'sending', 'unknown', 'sent', 'delivered', 'read', 'failed'))`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_unsettled_send_idx ON messages (conversation_id)
        WHERE status IN ('sending', 'unknown')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_unsettled_send_idx`);
    // The old statuses cannot say "may have gone out": such sends become failed with that
    // reason (an operator can re-drive them), claims in progress go back to queued.
    await queryRunner.query(
      `UPDATE messages SET status = 'failed', failed_at = COALESCE(failed_at, now()),
              error_code = COALESCE(error_code, 'MESSAGE.OUTCOME_UNKNOWN')
        WHERE status = 'unknown'`,
    );
    await queryRunner.query(`UPDATE messages SET status = 'queued' WHERE status = 'sending'`);
    await queryRunner.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed'))`,
    );
  }
}
