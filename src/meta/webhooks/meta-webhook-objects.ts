import type { HubName } from '@core/channel/hub-name';
import { asArray, asObject, asString } from '@app/messaging/inbound/webhook-payload.reader';

/**
 * Inbox sources of Meta's webhook objects; each product registers its inbound handler for its
 * own. WhatsApp keeps 'meta', the source its deliveries had before the Meta family existed:
 * a redelivery of an event stored before the deploy (rows are kept INBOX_RETENTION_DAYS) is
 * still recognised as a duplicate, old and new pods of a rolling deploy store under the same
 * key, and no migration has to rewrite a week of inbox rows.
 */
export const META_WHATSAPP_INBOX_SOURCE = 'meta';
export const META_INSTAGRAM_INBOX_SOURCE = 'meta-instagram';
export const META_PAGE_INBOX_SOURCE = 'meta-page';

/** The channel accounts that own a delivery's entries: their own app secret may sign it. */
export interface MetaEntryOwners {
  readonly hub: HubName;
  /** Absent: any provider of the hub (every Instagram account is reached through Meta). */
  readonly provider?: string;
  /** The owners' external ids the delivery names, each once. */
  idsOf(payload: unknown): string[];
}

/** What Omnihub does with one Meta webhook `object`. */
export interface MetaWebhookObject {
  /** Where deliveries are stored in the inbox, and so which handler processes them. */
  readonly source: string;
  readonly owners: MetaEntryOwners;
}

/**
 * Meta's objects that Omnihub products consume. One Meta app can be subscribed to several,
 * all on the one callback URL and signed the same way; the `object` says which product speaks.
 */
const META_WEBHOOK_OBJECTS: ReadonlyMap<string, MetaWebhookObject> = new Map([
  [
    'whatsapp_business_account',
    {
      source: META_WHATSAPP_INBOX_SOURCE,
      // A WABA's entries carry one change per business number; accounts are keyed by its id.
      owners: { hub: 'whatsapp', provider: 'meta-cloud', idsOf: phoneNumberIdsOf },
    },
  ],
  [
    'instagram',
    // entry[].id is the professional account (IG id) the messages and comments were sent to.
    { source: META_INSTAGRAM_INBOX_SOURCE, owners: { hub: 'instagram', idsOf: entryIdsOf } },
  ],
  [
    'page',
    // entry[].id is the Facebook Page: a Page-linked Instagram account is connected by its Page.
    { source: META_PAGE_INBOX_SOURCE, owners: { hub: 'instagram', idsOf: entryIdsOf } },
  ],
]);

/** The object a delivery names, when Omnihub consumes it. */
export function metaWebhookObjectOf(payload: unknown): MetaWebhookObject | undefined {
  const object = asObject(payload)?.object;
  return typeof object === 'string' ? META_WEBHOOK_OBJECTS.get(object) : undefined;
}

/** Every kind of account that can own a Meta delivery (for the verify-token handshake). */
export function metaEntryOwnerKinds(): Pick<MetaEntryOwners, 'hub' | 'provider'>[] {
  const kinds = new Map<string, Pick<MetaEntryOwners, 'hub' | 'provider'>>();
  for (const { owners } of META_WEBHOOK_OBJECTS.values()) {
    kinds.set(`${owners.hub}/${owners.provider ?? '*'}`, {
      hub: owners.hub,
      provider: owners.provider,
    });
  }
  return [...kinds.values()];
}

/** The business numbers (phone_number_id) a WhatsApp delivery speaks for. */
export function phoneNumberIdsOf(payload: unknown): string[] {
  const ids = new Set<string>();
  for (const entry of asArray(asObject(payload)?.entry)) {
    for (const change of asArray(asObject(entry)?.changes)) {
      const id = asString(asObject(asObject(asObject(change)?.value)?.metadata)?.phone_number_id);
      if (id) ids.add(id);
    }
  }
  return [...ids];
}

/** The entries' own ids: Instagram accounts or Pages. */
export function entryIdsOf(payload: unknown): string[] {
  const ids = new Set<string>();
  for (const entry of asArray(asObject(payload)?.entry)) {
    const id = asString(asObject(entry)?.id);
    if (id) ids.add(id);
  }
  return [...ids];
}
