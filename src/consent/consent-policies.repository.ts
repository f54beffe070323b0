import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentPolicy, withDefaults } from './consent-policy';

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

  async put(tenantId: string, policy: ConsentPolicy): Promise<ConsentPolicy> {
    await this.db.query(
      `INSERT INTO consent_policies (tenant_id, policy) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = now()`,
      [tenantId, policy],
    );
    return policy;
  }
}
