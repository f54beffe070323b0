import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatcher } from '@core/batching/micro-batcher';
import { ConsentPolicy, withDefaults } from './consent-policy';
import type { ConsentState, ScopedDecision } from './consent-terms';

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
   * the consent gate needs both for every send, on accept and again in the worker, and reading
   * them apart cost two round trips and two commits each time.
   */
  async withDecisions(
    tenantId: string,
    contactId: string,
    channel: string,
  ): Promise<{ policy: ConsentPolicy; decisions: ScopedDecision[] }> {
    const rows: {
      policy: Partial<ConsentPolicy> | null;
      decisions: { purpose: string; channel: string; state: ConsentState; occurredAt: string }[];
    }[] = await this.db.query(
      `SELECT (SELECT policy FROM consent_policies WHERE tenant_id = $1) AS policy,
              COALESCE((SELECT json_agg(json_build_object('purpose', purpose, 'channel', channel,
                                          'state', state, 'occurredAt', occurred_at)
                                        ORDER BY purpose, channel)
                          FROM consent_state
                         WHERE tenant_id = $1 AND contact_id = $2 AND ($3 = '*' OR channel IN ($3, '*'))),
                       '[]'::json) AS decisions`,
      [tenantId, contactId, channel],
    );
    return {
      policy: withDefaults(rows[0].policy ?? undefined),
      decisions: rows[0].decisions.map((d) => ({ ...d, occurredAt: new Date(d.occurredAt) })),
    };
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
