import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/audit/audit-trail';
import type { AuditEntry } from '@app/audit/audit-entry';

/**
 * Operator actions on hubs go to the one audit log (AuditTrail), one row per thing touched:
 * `circuit.reset` per circuit, `dead_letter.retried` / `dead_letter.discarded` per job or send.
 * A call's rows go in one transaction, so a discard of a thousand letters is one commit. The
 * caller (admin, API key, JWT) comes from the request's audit context.
 */
@Injectable()
export class HubAudit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async record(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const entry of entries) await this.audit.record(entry, tx);
    });
  }
}
