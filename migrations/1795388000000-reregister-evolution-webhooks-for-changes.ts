import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evolution instances registered before Omnihub handled edits and deletions are not
 * subscribed to MESSAGES_EDITED and MESSAGES_DELETE. Clearing `registered_at` makes the
 * evolution.webhook-registration maintenance task set their webhook again, with the current
 * event list, on its next pass. `down` has nothing to undo: registering again changes only
 * the event list, and the older code ignores the extra events.
 */
export class ReregisterEvolutionWebhooksForChanges1795388000000 implements MigrationInterface {
  name = 'ReregisterEvolutionWebhooksForChanges1795388000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE evolution_webhook_keys SET registered_at = NULL`);
  }

  async down(): Promise<void> {
    // Nothing to revert (see above).
  }
}
