import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatcher } from '@core/batching/micro-batcher';
import {
  ConsentFacts,
  consentFactsOf,
  consentFactsSql,
  StoredConsentFacts,
} from './consent-facts.sql';
import { ConsentPolicy, withDefaults } from './consent-policy';

/** Tenants whose policies one batched read asks for. */
const MAX_TENANTS_PER_QUERY = 200;

/** Each tenant's consent policy; a tenant that never set one has the defaults. */
@Injectable()
export class ConsentPoliciesRepository {
  /**
   * Read for every received text (opt-out keywords): the messages a poll delivers together
   * ask in one tick, and their tenants' policies come in one query.
   */
  private readonly policies = new MicroBatcher(
    (tenantIds: string[]) => this.policiesOf(tenantIds),
    MAX_TENANTS_PER_QUERY,
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get(tenantId: string): Promise<ConsentPolicy> {
    return this.policies.submit(tenantId);
  }

  private async policiesOf(tenantIds: string[]): Promise<PromiseSettledResult<ConsentPolicy>[]> {
    const rows: { tenant_id: string; policy: Partial<ConsentPolicy> }[] = await this.db.query(
      `SELECT tenant_id, policy FROM consent_policies WHERE tenant_id = ANY($1::uuid[])`,
      [[...new Set(tenantIds)]],
    );
    const stored = new Map(rows.map((row) => [row.tenant_id, row.policy]));
    return tenantIds.map((tenantId) => ({
      status: 'fulfilled' as const,
      value: withDefaults(stored.get(tenantId)),
    }));
  }

  /**
   * The tenant's policy and the contact's current decisions covering `channel`, in one query:
   * for a send whose read did not bring them (ConsentRule.factsSql).
   */
  async withDecisions(tenantId: string, contactId: string, channel: string): Promise<ConsentFacts> {
    const rows: { facts: StoredConsentFacts }[] = await this.db.query(
      `SELECT ${consentFactsSql({ tenantId: '$1::uuid', contactId: '$2::uuid', hub: '$3::text' })} AS facts`,
      [tenantId, contactId, channel],
    );
    return consentFactsOf(rows[0].facts);
  }

  async put(tenantId: string, policy: ConsentPolicy): Promise<ConsentPolicy> {
    await this.db.query(
      `INSERT INTO consent_policies (tenant_id, policy) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = now()`,
      [tenantId, policy],
    );
    return policy;
  }
}
