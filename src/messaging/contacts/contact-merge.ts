import { ContactMergeParticipants } from '@core/privacy/contact-merge-participant';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { contactUpdatedEvents } from '../events/record-events.sql';

/** The contact to merge in is not one of the tenant's (or no longer exists). */
export class MergeSourceNotFoundError extends DomainError {
  constructor() {
    super(
      'CONTACT.MERGE_SOURCE_NOT_FOUND',
      'unprocessable',
      'otherContactId names no contact of this tenant',
      {
        errors: [{ field: 'otherContactId', message: 'no contact of this tenant has this id' }],
      },
    );
  }
}

export interface MergeContactsCommand {
  tenantId: string;
  /** The contact that stays. */
  contactId: string;
  /** The contact merged into it, gone afterwards. */
  otherContactId: string;
}

export interface MergeOutcome {
  contactId: string;
  identitiesMoved: number;
  conversationsMoved: number;
  /** Conversations on an account both contacts had, whose messages joined the survivor's. */
  conversationsJoined: number;
}

/**
 * One person known as two contacts (the same customer on WhatsApp and Instagram, or a number
 * and a WhatsApp privacy id seen apart) becomes one. In one transaction, with both contacts
 * locked (in id order, so two merges of the same pair cannot deadlock):
 * - every identity of the other contact moves to the survivor, so the next message under any
 *   of them lands on the survivor;
 * - its conversations move too. Where both had a conversation on the same account (only one
 *   may exist per account and contact), the other's messages join the survivor's conversation
 *   and the emptied one is removed: one thread per person and account is what the inbox and
 *   the 24-hour window rules assume;
 * - the survivor keeps its name, phone and picture, taking the other's only where it has none;
 * - every @ContactMergeParticipant (consent, …) moves its rows about the other contact;
 * - the other contact is deleted, and `contact.updated` is recorded for the survivor.
 * A message arriving meanwhile for the other contact waits on the lock, fails on its
 * conversation, and is retried by the inbox under the survivor.
 */
@Injectable()
export class ContactMerge {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly participants: ContactMergeParticipants,
  ) {}

  async merge(command: MergeContactsCommand): Promise<MergeOutcome> {
    const { tenantId, contactId, otherContactId } = command;
    if (contactId === otherContactId) {
      throw new ValidationFailedError([
        { field: 'otherContactId', message: 'a contact cannot be merged into itself' },
      ]);
    }
    return this.db.transaction(async (tx) => {
      const locked: { id: string }[] = await tx.query(
        `SELECT id FROM contacts WHERE tenant_id = $1 AND id IN ($2, $3) ORDER BY id FOR UPDATE`,
        [tenantId, contactId, otherContactId],
      );
      const found = new Set(locked.map((row) => row.id));
      if (!found.has(contactId)) throw new NotFoundError('contact');
      if (!found.has(otherContactId)) throw new MergeSourceNotFoundError();
      const identitiesMoved = await count(
        tx,
        `UPDATE contact_identities SET contact_id = $2 WHERE contact_id = $1 AND tenant_id = $3`,
        [otherContactId, contactId, tenantId],
      );
      const conversationsJoined = await this.joinSharedConversations(tx, contactId, otherContactId);
      const conversationsMoved = await count(
        tx,
        `UPDATE conversations SET contact_id = $2, updated_at = now()
          WHERE contact_id = $1 AND tenant_id = $3`,
        [otherContactId, contactId, tenantId],
      );
      // Other modules' rows about the absorbed contact move before it (and its cascade) goes.
      await this.participants.absorb(tx, {
        tenantId,
        survivorId: contactId,
        absorbedId: otherContactId,
      });
      await tx.query(
        `WITH other AS (DELETE FROM contacts WHERE id = $2 RETURNING *),
         merged AS (
           UPDATE contacts c SET
             display_name = COALESCE(c.display_name, other.display_name),
             phone = COALESCE(c.phone, other.phone),
             avatar_updated_at = CASE WHEN c.avatar_url IS NULL THEN other.avatar_updated_at
                                      ELSE c.avatar_updated_at END,
             avatar_url = COALESCE(c.avatar_url, other.avatar_url),
             updated_at = now()
             FROM other WHERE c.id = $1
           RETURNING c.tenant_id, c.id AS contact_id),
         event AS (${contactUpdatedEvents('merged')})
         SELECT 1`,
        [contactId, otherContactId],
      );
      return { contactId, identitiesMoved, conversationsMoved, conversationsJoined };
    });
  }

  /**
   * For each account where both contacts have a conversation: the other's messages move into
   * the survivor's, which takes the later activity times, and the emptied one is deleted.
   */
  private async joinSharedConversations(
    tx: EntityManager,
    contactId: string,
    otherContactId: string,
  ): Promise<number> {
    const pairs: { kept: string; gone: string }[] = await tx.query(
      `SELECT kept.id AS kept, gone.id AS gone
         FROM conversations gone
         JOIN conversations kept
           ON kept.channel_account_id = gone.channel_account_id AND kept.contact_id = $1
        WHERE gone.contact_id = $2
        ORDER BY kept.id
          FOR UPDATE`,
      [contactId, otherContactId],
    );
    for (const { kept, gone } of pairs) {
      await tx.query(`UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2`, [
        kept,
        gone,
      ]);
      await tx.query(
        `UPDATE conversations kept SET
           last_message_at = GREATEST(kept.last_message_at, gone.last_message_at),
           last_inbound_at = GREATEST(kept.last_inbound_at, gone.last_inbound_at),
           status = CASE WHEN gone.status = 'open' THEN 'open' ELSE kept.status END,
           updated_at = now()
           FROM conversations gone WHERE kept.id = $1 AND gone.id = $2`,
        [kept, gone],
      );
      await tx.query(`DELETE FROM conversations WHERE id = $1`, [gone]);
    }
    return pairs.length;
  }
}

async function count(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  // TypeORM answers an UPDATE with [rows, affected count].
  const [, affected] = await tx.query<[unknown, number]>(sql, params);
  return affected;
}
