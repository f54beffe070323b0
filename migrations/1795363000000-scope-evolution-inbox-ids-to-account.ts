import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evolution inbox ids become `<account id>:<event id>`: WhatsApp gives sender and recipient the
 * same message id, so two tenants' instances seeing one message (a chat between two of our
 * customers, a group) had the same `event:keyId` and the second delivery was dropped as a
 * duplicate. Rows already stored are rewritten to the new form, so a redelivery of an event
 * received before the deploy is still recognised (not processed twice) for as long as the row
 * is kept. `account_ref` is always set on Evolution rows (the controller authenticates the
 * account first); the LIKE guard makes the rewrite idempotent.
 */
export class ScopeEvolutionInboxIdsToAccount1795363000000 implements MigrationInterface {
  name = 'ScopeEvolutionInboxIdsToAccount1795363000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE inbound_events SET external_id = account_ref || ':' || external_id
        WHERE source = 'evolution' AND account_ref IS NOT NULL
          AND external_id NOT LIKE account_ref || ':%'`,
    );
  }

  /**
   * Back to the unscoped form, except where two accounts' rows would then collide (the very
   * case this migration fixes): those keep their scoped id, which the old code never matches.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE inbound_events AS scoped
          SET external_id = substr(scoped.external_id, length(scoped.account_ref) + 2)
        WHERE scoped.source = 'evolution' AND scoped.account_ref IS NOT NULL
          AND scoped.external_id LIKE scoped.account_ref || ':%'
          AND scoped.id = (
            SELECT min(twin.id::text)::uuid FROM inbound_events AS twin
             WHERE twin.source = 'evolution'
               AND substr(twin.external_id, length(twin.account_ref) + 2)
                 = substr(scoped.external_id, length(scoped.account_ref) + 2))
          AND NOT EXISTS (
            SELECT 1 FROM inbound_events AS legacy
             WHERE legacy.source = 'evolution'
               AND legacy.external_id = substr(scoped.external_id, length(scoped.account_ref) + 2))`,
    );
  }
}
