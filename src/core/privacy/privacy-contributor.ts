import { DiscoveryService } from '@nestjs/core';

/** Something a module could not delete, and why (e.g. data already sent to Bitrix24). */
export interface KeptItem {
  what: string;
  reason: string;
}

/**
 * A module's answer to an erasure: how many of each kind of record it deleted or anonymised
 * (`{ messages: 12 }`), and what it kept. Counts and descriptions only, never the data itself:
 * receipts are stored with the request and shown to the tenant.
 */
export interface ErasureReceipt {
  deleted: Record<string, number>;
  kept: KeptItem[];
}

/**
 * One module's part in data subject requests (LGPD art. 18, GDPR art. 15 and 17). Each module
 * that holds data about contacts implements this on a provider marked @PrivacyContributor();
 * the privacy module discovers them at boot and asks each, so no module's tables are read by
 * another and a new module joins exports and erasures by declaring one provider.
 *
 * Both methods are called at least once per request (a job retried after a crash calls again),
 * so they must be idempotent: erasing an already erased contact returns an empty receipt.
 */
export interface DataContributor {
  /** Unique, stable: names the export's section and the receipt (`messaging`, `consent`). */
  readonly name: string;
  /**
   * True for the module that owns the contact record itself: it erases after every other
   * contributor, which may still need the contact to find their own rows.
   */
  readonly ownsContacts?: boolean;
  /** The module's data about the contact, as a JSON-serialisable section of the export. */
  export(tenantId: string, contactId: string): Promise<unknown>;
  erase(tenantId: string, contactId: string): Promise<ErasureReceipt>;
}

export const PrivacyContributor = DiscoveryService.createDecorator<void>();
