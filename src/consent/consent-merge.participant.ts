import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactMergeParticipant, ContactsMerged } from '@core/privacy/contact-merge-participant';
import { ConsentLedger } from './consent-ledger';
import type { ConsentEvidence, ConsentSource, ConsentState } from './consent-terms';

/**
 * A merged contact's consent decisions are recorded again under the survivor, oldest first,
 * before the merge deletes the absorbed contact (and, by cascade, its ledger rows). History
 * is append-only, so decisions are carried over as new rows naming where they came from; the
 * current state then holds, per scope, the newer of the two contacts' decisions: a STOP given
 * on one channel still stops marketing after the merge.
 */
@Injectable()
@ContactMergeParticipant()
export class ConsentMergeParticipant implements ContactMergeParticipant {
  readonly name = 'consent';

  constructor(private readonly ledger: ConsentLedger) {}

  async absorb(tx: EntityManager, merge: ContactsMerged): Promise<void> {
    const decisions: {
      id: string;
      purpose: string;
      channel: string;
      state: ConsentState;
      source: ConsentSource;
      evidence: ConsentEvidence;
      actor: string;
      occurred_at: Date;
    }[] = await tx.query(
      `SELECT id, purpose, channel, state, source, evidence, actor, occurred_at
         FROM consent_events WHERE tenant_id = $1 AND contact_id = $2
        ORDER BY occurred_at, id`,
      [merge.tenantId, merge.absorbedId],
    );
    for (const decision of decisions) {
      await this.ledger.record(
        {
          tenantId: merge.tenantId,
          contactId: merge.survivorId,
          purpose: decision.purpose,
          channel: decision.channel,
          state: decision.state,
          source: decision.source,
          evidence: {
            ...decision.evidence,
            mergedFrom: { contactId: merge.absorbedId, eventId: decision.id },
          },
          actor: decision.actor,
          occurredAt: decision.occurred_at,
          idempotencyKey: `merge:${decision.id}`,
        },
        tx,
      );
    }
  }
}
