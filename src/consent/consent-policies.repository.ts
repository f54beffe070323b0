import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentPolicy, withDefaults } from './consent-policy';
import type { ConsentState, ScopedDecision } from './consent-terms';

/** Each tenant's consent policy; a tenant that never set one has the defaults. */
@Injectable()
export class ConsentPoliciesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(tenantId: string): Promise<ConsentPolicy> {
    const rows: { policy: Partial<ConsentPolicy> }[] = await this.db.query(
      `SELECT policy FROM consent_policies WHERE tenant_id = $1`,
      [tenantId],
    );
    return withDefaults(rows[0]?.policy);
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
