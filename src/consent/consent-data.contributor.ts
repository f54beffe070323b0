import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';

/**
 * Consent's part in data subject requests: the contact's whole ledger history (with the
 * evidence: wording shown, IP, user agent) and its current decisions. Erasure deletes both;
 * the ledger refuses UPDATE but allows DELETE for exactly this. The audit rows of those
 * decisions stay: they hold the contact's id only, no personal data.
 */
@Injectable()
@PrivacyContributor()
export class ConsentDataContributor implements DataContributor {
  readonly name = 'consent';

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async export(tenantId: string, contactId: string): Promise<unknown> {
    const params = [tenantId, contactId];
    const history: unknown[] = await this.db.query(
      `SELECT id, purpose, channel, state, source, evidence, actor,
              occurred_at AS "occurredAt", recorded_at AS "recordedAt"
         FROM consent_events WHERE tenant_id = $1 AND contact_id = $2 ORDER BY id`,
      params,
    );
    const current: unknown[] = await this.db.query(
      `SELECT purpose, channel, state, source, occurred_at AS "occurredAt"
         FROM consent_state WHERE tenant_id = $1 AND contact_id = $2 ORDER BY purpose, channel`,
      params,
    );
    return { current, history };
  }

  async erase(tenantId: string, contactId: string): Promise<ErasureReceipt> {
    return this.db.transaction(async (tx): Promise<ErasureReceipt> => {
      const params = [tenantId, contactId];
      const [, decisions]: [unknown, number] = await tx.query(
        `DELETE FROM consent_state WHERE tenant_id = $1 AND contact_id = $2`,
        params,
      );
      const [, history]: [unknown, number] = await tx.query(
        `DELETE FROM consent_events WHERE tenant_id = $1 AND contact_id = $2`,
        params,
      );
      return {
        deleted: { consentDecisions: decisions, consentHistory: history },
        kept: [
          {
            what: 'Audit log rows of the consent changes',
            reason: 'They hold the contact id only, no personal data, and prove who did what.',
          },
        ],
      };
    });
  }
}
