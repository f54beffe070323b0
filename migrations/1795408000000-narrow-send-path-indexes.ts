import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two index entries fewer per send and per event, where every one is a B-tree insertion and
 * its WAL record (half of the send path's WAL records were index insertions):
 * - the unique key on a message's provider id leaves out the rows without one. A send has
 *   none until the provider answers, so its insert and its claim each wrote an entry that no
 *   lookup can use (every lookup names an id) and no conflict can hit (NULLs are distinct);
 * - events lose their `occurred_at` index: retention walks them by id, a UUIDv7 taken from the
 *   clock as the event is recorded, which orders them by time as well.
 *
 * The new key is built CONCURRENTLY under a temporary name, so a large messages table keeps
 * taking writes while it builds; the old constraint is dropped and the index takes its name
 * in one short transaction (the name is what a unique violation reports, and what
 * SendOutcomesRepository.recordSent recognises). A build that failed half way leaves an
 * invalid index, dropped first here; a run that got past the swap finds no constraint left
 * and goes on with the events' index. `down` works plainly: TypeORM reverts inside a
 * transaction whatever `transaction` says.
 */
export class NarrowSendPathIndexes1795408000000 implements MigrationInterface {
  name = 'NarrowSendPathIndexes1795408000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    // A run cut short after the swap (a failed deploy) finds the key in its new shape already.
    const constraint = (await queryRunner.query(
      `SELECT 1 FROM pg_constraint WHERE conname = 'messages_account_provider_message_key'`,
    )) as unknown[];
    if (constraint.length) {
      await queryRunner.query(
        `DROP INDEX CONCURRENTLY IF EXISTS messages_account_provider_message_new`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX CONCURRENTLY messages_account_provider_message_new
           ON messages (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL`,
      );
      await queryRunner.startTransaction();
      try {
        await queryRunner.query(
          `ALTER TABLE messages DROP CONSTRAINT messages_account_provider_message_key`,
        );
        await queryRunner.query(
          `ALTER INDEX messages_account_provider_message_new RENAME TO messages_account_provider_message_key`,
        );
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    }
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS domain_events_occurred_at_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX domain_events_occurred_at_idx ON domain_events (occurred_at)`,
    );
    await queryRunner.query(`DROP INDEX messages_account_provider_message_key`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_account_provider_message_key
         UNIQUE (channel_account_id, provider_message_id)`,
    );
  }
}
