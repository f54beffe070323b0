import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { ContactIdentity } from '@core/channel/messaging-rules';
import { newId } from '@core/database/ids';
import { contactUpdatedEvents } from '../events/record-events.sql';
import type { RuleFactsQuery } from '../outbound/outbound-rule';
import { ResolvedRecipient, recipientOf, RecipientRow, recipientSql } from './recipient-read.sql';

export type Identity = ContactIdentity;

export interface ContactProfile {
  name?: string;
  /** E.164 */
  phone?: string;
}

/**
 * One person is one contact per tenant, recognised by any of their identities (phone, wa_id,
 * WhatsApp LID, Instagram id...). Safe under concurrency: two first messages from a new person
 * arriving at once end in one contact (the identity's UNIQUE constraint decides the winner).
 * A known contact's new name or new identity is `contact.updated`, recorded by the same
 * statement; a new contact is announced by the conversation it opens.
 */
@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: ChannelRegistry,
  ) {}

  /** The contact owning any of these identities, created when none does; returns its id. */
  async resolve(
    tenantId: string,
    identities: readonly Identity[],
    profile: ContactProfile = {},
  ): Promise<string> {
    this.assertDeclared(identities);
    const {
      contactId: existing,
      displayName,
      known,
    } = await this.findByIdentities(tenantId, identities);
    if (existing) {
      // Repeat senders and recipients are known under every identity: no write needed.
      await this.attach(
        tenantId,
        existing,
        identities.filter((identity) => !known.has(identityKey(identity))),
        { announce: true },
      );
      // Read with the identities: a repeat sender's unchanged name costs no statement.
      if (profile.name && profile.name !== displayName) {
        await this.db.query(
          `WITH renamed AS (
             UPDATE contacts SET display_name = $3, updated_at = now()
              WHERE id = $1 AND tenant_id = $2 AND display_name IS DISTINCT FROM $3
              RETURNING tenant_id, id AS contact_id),
           event AS (${contactUpdatedEvents('renamed')})
           SELECT 1`,
          [existing, tenantId, profile.name],
        );
      }
      return existing;
    }

    const contactId = newId();
    await this.db.query(
      `INSERT INTO contacts (id, tenant_id, display_name, phone) VALUES ($1, $2, $3, $4)`,
      [contactId, tenantId, profile.name ?? null, profile.phone ?? null],
    );
    const [first, ...rest] = identities;
    const claimed: { contact_id: string }[] = await this.db.query(
      `INSERT INTO contact_identities (id, tenant_id, contact_id, type, value) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, type, value) DO NOTHING RETURNING contact_id`,
      [newId(), tenantId, contactId, first.type, first.value],
    );
    if (claimed.length === 0) {
      // Someone created this person a moment ago: use theirs, drop ours.
      await this.db.query(`DELETE FROM contacts WHERE id = $1`, [contactId]);
      return this.resolve(tenantId, identities, profile);
    }
    await this.attach(tenantId, contactId, rest);
    return contactId;
  }

  /**
   * `resolve` for a send on `account`, with when the contact last wrote on that account (what
   * the window rules read) and the facts the outbound rules read (`factsSql`, given the SQL
   * names of the tenant, the contact and the hub): a known recipient under all these
   * identities, the common case, costs one query, where resolving, reading the window and each
   * rule's facts took one each. `lastInboundAt` is undefined, and there are no facts and no
   * fingerprint, when the contact was created or completed here (the caller reads the window,
   * each rule its facts).
   */
  async resolveRecipient(
    tenantId: string,
    identities: readonly Identity[],
    account: { id: string; hub: string },
    factsSql?: RuleFactsQuery,
  ): Promise<ResolvedRecipient> {
    this.assertDeclared(identities);
    const rows: RecipientRow[] = await this.db.query(
      `WITH ${recipientSql({ tenantId: '$1', types: '$2', values: '$3', accountId: '$4', hub: '$5' }, factsSql)}
       SELECT * FROM recipient`,
      [
        tenantId,
        identities.map((i) => i.type),
        identities.map((i) => i.value),
        account.id,
        account.hub,
      ],
    );
    const known = recipientOf(rows[0], distinctIdentityCount(identities));
    return (
      known ?? { contactId: await this.resolve(tenantId, identities), lastInboundAt: undefined }
    );
  }

  /**
   * Identity kinds are the providers' to declare, not a list kept here; a kind no provider
   * declares is a platform module's bug (a parser inventing kinds), stopped before it is stored
   * under a name nothing else will ever look up.
   */
  private assertDeclared(identities: readonly Identity[]): void {
    const unknown = identities.find((identity) => !this.registry.isIdentityKind(identity.type));
    if (unknown) {
      throw new Error(
        `Contact identity kind "${unknown.type}" is declared by no registered provider ` +
          '(MessagingRules.identityKinds)',
      );
    }
  }

  /** The contact owning any of these identities, or undefined (nothing is created). */
  async find(tenantId: string, identities: readonly Identity[]): Promise<string | undefined> {
    if (identities.length === 0) return undefined;
    return (await this.findByIdentities(tenantId, identities)).contactId;
  }

  /** Whether the tenant has this contact. */
  async exists(tenantId: string, contactId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM contacts WHERE id = $1 AND tenant_id = $2`,
      [contactId, tenantId],
    );
    return rows.length > 0;
  }

  /**
   * Completes a contact from a platform's profile lookup: fills the name and the picture it
   * lacks, never overwrites one (a name a message carried, or another channel gave, stays).
   * Records `contact.updated` when something was filled; false when nothing was (or the
   * contact is gone: merged or erased since).
   */
  async completeProfile(
    tenantId: string,
    contactId: string,
    profile: { name?: string; avatarUrl?: string },
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH completed AS (
         UPDATE contacts SET
           display_name = COALESCE(display_name, $3),
           avatar_url = COALESCE(avatar_url, $4),
           avatar_updated_at = CASE WHEN avatar_url IS NULL AND $4::text IS NOT NULL
                                    THEN now() ELSE avatar_updated_at END,
           updated_at = now()
          WHERE id = $1 AND tenant_id = $2
            AND ((display_name IS NULL AND $3::text IS NOT NULL)
              OR (avatar_url IS NULL AND $4::text IS NOT NULL))
          RETURNING tenant_id, id AS contact_id),
       event AS (${contactUpdatedEvents('completed')})
       SELECT 1 FROM completed`,
      [contactId, tenantId, profile.name ?? null, profile.avatarUrl ?? null],
    );
    return rows.length > 0;
  }

  /** The contact's name and phone as last known; null for another tenant's contact. */
  async profileOf(tenantId: string, contactId: string): Promise<ContactProfile | null> {
    const rows: { name: string | null; phone: string | null }[] = await this.db.query(
      `SELECT display_name AS name, phone FROM contacts WHERE id = $1 AND tenant_id = $2`,
      [contactId, tenantId],
    );
    if (!rows[0]) return null;
    return { name: rows[0].name ?? undefined, phone: rows[0].phone ?? undefined };
  }

  async identitiesOf(tenantId: string, contactId: string): Promise<Identity[]> {
    return this.db.query(
      `SELECT type, value FROM contact_identities WHERE tenant_id = $1 AND contact_id = $2 ORDER BY id`,
      [tenantId, contactId],
    );
  }

  /**
   * The contact owning the oldest matching identity, and every given identity already known
   * (to whichever contact: an identity is never moved).
   */
  private async findByIdentities(
    tenantId: string,
    identities: readonly Identity[],
  ): Promise<{ contactId: string | undefined; displayName: string | null; known: Set<string> }> {
    const rows: (Identity & { contact_id: string; display_name: string | null })[] =
      await this.db.query(
        `SELECT i.contact_id, i.type, i.value, c.display_name
           FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
          WHERE i.tenant_id = $1 AND (i.type, i.value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
          ORDER BY i.id`,
        [tenantId, identities.map((i) => i.type), identities.map((i) => i.value)],
      );
    return {
      contactId: rows[0]?.contact_id,
      displayName: rows[0]?.display_name ?? null,
      known: new Set(rows.map(identityKey)),
    };
  }

  /**
   * Adds identities not yet known; one already owned by another contact is left there. With
   * `announce`, an identity added records `contact.updated`.
   */
  private async attach(
    tenantId: string,
    contactId: string,
    identities: readonly Identity[],
    { announce = false } = {},
  ): Promise<void> {
    if (identities.length === 0) return;
    await this.db.query(
      `WITH attached AS (
         INSERT INTO contact_identities (id, tenant_id, contact_id, type, value)
         SELECT ids.id, $1, $2, ids.type, ids.value
         FROM unnest($3::uuid[], $4::text[], $5::text[]) AS ids(id, type, value)
         ON CONFLICT (tenant_id, type, value) DO NOTHING
         RETURNING tenant_id, contact_id),
       event AS (${contactUpdatedEvents('attached')} WHERE $6)
       SELECT 1`,
      [
        tenantId,
        contactId,
        identities.map(() => newId()),
        identities.map((i) => i.type),
        identities.map((i) => i.value),
        announce,
      ],
    );
  }
}

/** One identity as a string, for sets and keys. */
export const identityKey = (identity: Identity): string => `${identity.type}:${identity.value}`;

/** How many different identities a list names (the same one twice is found once). */
export const distinctIdentityCount = (identities: readonly Identity[]): number =>
  new Set(identities.map(identityKey)).size;
