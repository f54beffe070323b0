import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit/audit-trail';
import { decodeCursor, Page, toPage } from '@core/api/pagination';
import { newId } from '@core/database/ids';
import { isUUID } from 'class-validator';
import { invalidCursor } from '@core/api/pagination';
import type { ConsentEvidence, ConsentSource, ConsentState, ScopedDecision } from './consent-terms';
import { EVERY } from './consent-terms';

/** One decision to record. */
export interface ConsentChange {
  tenantId: string;
  contactId: string;
  purpose: string;
  channel: string;
  state: ConsentState;
  source: ConsentSource;
  evidence: ConsentEvidence;
  /** Who recorded it: `api-key:<id>`, `jwt:<subject>`, `contact` (a keyword), `import:<key>`. */
  actor: string;
  occurredAt: Date;
  /** The same key again records nothing (a redelivered keyword, a retried import row). */
  idempotencyKey?: string;
}

export interface ConsentEventRecord extends ScopedDecision {
  id: string;
  contactId: string;
  source: ConsentSource;
  evidence: ConsentEvidence;
  actor: string;
  recordedAt: Date;
}

interface EventRow {
  id: string;
  contact_id: string;
  purpose: string;
  channel: string;
  state: ConsentState;
  source: ConsentSource;
  evidence: ConsentEvidence;
  actor: string;
  occurred_at: Date;
  recorded_at: Date;
}

/**
 * The consent ledger: the only writer of consent (ConsentLedger.record), so every change
 * passes one place, and that place audits it (`consent.granted`, `consent.withdrawn`,
 * `consent.restored`, resource the contact id) in the transaction that stores it: a decision
 * is never kept without its audit row, and a repeated one (same idempotency key) adds neither.
 * The audit row holds ids only; the wording, IP and user agent stay in the ledger, which
 * erasure removes. History rows are never changed; the
 * current state keeps the latest decision per scope, by when it happened (an import of old
 * paper consents does not override a newer STOP).
 */
@Injectable()
export class ConsentLedger {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Records a decision; returns it, or null when its idempotency key was recorded before.
   * `tx`: inside a caller's transaction (a contact merge carrying decisions over).
   */
  async record(change: ConsentChange, tx?: EntityManager): Promise<ConsentEventRecord | null> {
    if (tx) return this.append(change, tx);
    return this.db.transaction((own) => this.append(change, own));
  }

  private async append(change: ConsentChange, tx: EntityManager) {
    const rows: EventRow[] = await tx.query(
      `WITH event AS (
         INSERT INTO consent_events (id, tenant_id, contact_id, purpose, channel, state, source,
                                     evidence, actor, occurred_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING *),
       state AS (
         INSERT INTO consent_state AS current (tenant_id, contact_id, purpose, channel, state,
                                               source, event_id, occurred_at)
         SELECT tenant_id, contact_id, purpose, channel, state, source, id, occurred_at FROM event
         ON CONFLICT (tenant_id, contact_id, purpose, channel) DO UPDATE
           SET state = EXCLUDED.state, source = EXCLUDED.source, event_id = EXCLUDED.event_id,
               occurred_at = EXCLUDED.occurred_at
           WHERE current.occurred_at <= EXCLUDED.occurred_at)
       SELECT * FROM event`,
      [
        newId(),
        change.tenantId,
        change.contactId,
        change.purpose,
        change.channel,
        change.state,
        change.source,
        change.evidence,
        change.actor,
        change.occurredAt,
        change.idempotencyKey ?? null,
      ],
    );
    if (!rows[0]) return null;
    await this.audit.record(
      {
        action: `consent.${change.state}`,
        tenantId: change.tenantId,
        resource: { type: 'contact', id: change.contactId },
      },
      tx,
    );
    return toRecord(rows[0]);
  }

  /** The contact's current decisions covering `channel` (every channel when `*`). */
  async current(tenantId: string, contactId: string, channel = EVERY): Promise<ScopedDecision[]> {
    const rows: { purpose: string; channel: string; state: ConsentState; occurred_at: Date }[] =
      await this.db.query(
        `SELECT purpose, channel, state, occurred_at FROM consent_state
         WHERE tenant_id = $1 AND contact_id = $2 AND ($3 = '*' OR channel IN ($3, '*'))
         ORDER BY purpose, channel`,
        [tenantId, contactId, channel],
      );
    return rows.map((row) => ({
      purpose: row.purpose,
      channel: row.channel,
      state: row.state,
      occurredAt: row.occurred_at,
    }));
  }

  /** The contact's history, newest first, in keyset pages. */
  async history(
    tenantId: string,
    contactId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<ConsentEventRecord>> {
    const after = decodeCursor(cursor, 1)?.[0];
    if (after !== undefined && !isUUID(after)) throw invalidCursor();
    const rows: EventRow[] = await this.db.query(
      `SELECT * FROM consent_events
       WHERE tenant_id = $1 AND contact_id = $2 AND ($3::uuid IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [tenantId, contactId, after ?? null, limit + 1],
    );
    return toPage(rows, limit, (row) => [row.id], toRecord);
  }
}

function toRecord(row: EventRow): ConsentEventRecord {
  return {
    id: row.id,
    contactId: row.contact_id,
    purpose: row.purpose,
    channel: row.channel,
    state: row.state,
    source: row.source,
    evidence: row.evidence,
    actor: row.actor,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}
