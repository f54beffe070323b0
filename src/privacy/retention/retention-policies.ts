import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@config/app-config';

export interface RetentionPolicy {
  messageDays: number;
  auditDays: number;
}

/** Days each tenant keeps its data: its own setting, or the defaults from the environment. */
@Injectable()
export class RetentionPolicies {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async of(tenantId: string): Promise<RetentionPolicy> {
    return (await this.many([tenantId])).get(tenantId) as RetentionPolicy;
  }

  async many(tenantIds: readonly string[]): Promise<Map<string, RetentionPolicy>> {
    const rows: { tenantId: string; messageDays: number | null; auditDays: number | null }[] =
      await this.db.query(
        `SELECT tenant_id AS "tenantId", message_days AS "messageDays", audit_days AS "auditDays"
           FROM retention_policies WHERE tenant_id = ANY($1)`,
        [tenantIds],
      );
    const own = new Map(rows.map((row) => [row.tenantId, row]));
    return new Map(
      tenantIds.map((id) => [
        id,
        {
          messageDays: own.get(id)?.messageDays ?? this.config.retention.messageDays,
          auditDays: own.get(id)?.auditDays ?? this.config.retention.auditDays,
        },
      ]),
    );
  }

  /** Sets the tenant's own days; null goes back to the default. */
  async set(
    tenantId: string,
    changes: { messageDays?: number | null; auditDays?: number | null },
  ): Promise<RetentionPolicy> {
    await this.db.query(
      `INSERT INTO retention_policies (tenant_id, message_days, audit_days) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET
         message_days = CASE WHEN $4 THEN EXCLUDED.message_days ELSE retention_policies.message_days END,
         audit_days = CASE WHEN $5 THEN EXCLUDED.audit_days ELSE retention_policies.audit_days END,
         updated_at = now()`,
      [
        tenantId,
        changes.messageDays ?? null,
        changes.auditDays ?? null,
        changes.messageDays !== undefined,
        changes.auditDays !== undefined,
      ],
    );
    return this.of(tenantId);
  }
}
