import type {
  DeliveryStatus,
  InboundMessageEvent,
  InboundSender,
  MessageChangeEvent,
  NormalizedEvent,
  ReferredProduct,
  StatusUpdateEvent,
} from '@app/messaging/inbound/normalized-event';
import { contentOf } from './meta-message-content';
import {
  JsonObject,
  asArray,
  asNumber,
  asObject,
  asString,
  compact,
  unixSecondsToDate,
} from '@app/messaging/inbound/webhook-payload.reader';

export interface ParsedMetaWebhook {
  /** Every event carries the phone_number_id of the business number it concerns. */
  events: NormalizedEvent[];
  /** What was left out and why, by JSON path; never quotes message contents. */
  skipped: string[];
}

const WHATSAPP_OBJECT = 'whatsapp_business_account';
const TRACKED_STATUSES: readonly string[] = ['sent', 'delivered', 'read', 'failed'];

/**
 * Reads a WhatsApp Cloud API webhook (`object: whatsapp_business_account`, `field: messages`)
 * into normalized events. Pure and total: a malformed item is listed in `skipped` and the
 * rest of the batch is still read, because one bad item must not lose its neighbours.
 */
export function parseMetaWebhook(body: unknown): ParsedMetaWebhook {
  const result: ParsedMetaWebhook = { events: [], skipped: [] };
  const root = asObject(body);
  if (root?.object !== WHATSAPP_OBJECT) {
    result.skipped.push(`object '${String(root?.object)}' is not ${WHATSAPP_OBJECT}`);
    return result;
  }
  asArray(root.entry).forEach((entry, e) => {
    asArray(asObject(entry)?.changes).forEach((change, c) => {
      readChange(asObject(change), `entry[${e}].changes[${c}]`, result);
    });
  });
  return result;
}

function readChange(change: JsonObject | undefined, path: string, out: ParsedMetaWebhook): void {
  if (change?.field !== 'messages') {
    out.skipped.push(`${path}: field '${String(change?.field)}' is not handled`);
    return;
  }
  const value = asObject(change.value);
  const accountExternalId = asString(asObject(value?.metadata)?.phone_number_id);
  if (!value || !accountExternalId) {
    out.skipped.push(`${path}: value.metadata.phone_number_id is missing`);
    return;
  }
  const contacts = asArray(value.contacts).map(asObject);
  asArray(value.messages).forEach((raw, i) => {
    const event = readMessage(asObject(raw), accountExternalId, contacts);
    if (typeof event === 'string') out.skipped.push(`${path}.value.messages[${i}]: ${event}`);
    else out.events.push(event);
  });
  asArray(value.statuses).forEach((raw, i) => {
    const event = readStatus(asObject(raw), accountExternalId);
    if (typeof event === 'string') out.skipped.push(`${path}.value.statuses[${i}]: ${event}`);
    else out.events.push(event);
  });
}

function readMessage(
  message: JsonObject | undefined,
  accountExternalId: string,
  contacts: readonly (JsonObject | undefined)[],
): InboundMessageEvent | MessageChangeEvent | string {
  if (!message) return 'not an object';
  const providerMessageId = asString(message.id);
  if (!providerMessageId) return 'id is missing';
  const type = asString(message.type);
  if (!type) return 'type is missing';
  const sentAt = unixSecondsToDate(message.timestamp);
  if (!sentAt) return 'timestamp is not unix seconds';
  if (type === 'edit' || type === 'revoke') {
    return readUserChange(message, type, accountExternalId, sentAt);
  }
  const waId = asString(message.from);
  // Users who adopt a username may come with a business-scoped user id (from_user_id) only;
  // contacts are keyed by phone-based wa_id, so such messages wait until identities cover BSUIDs.
  if (!waId)
    return asString(message.from_user_id) ? 'sender has a user_id but no wa_id' : 'from is missing';
  const content = contentOf(message, type);
  if ('invalid' in content) return `${type} message without ${content.invalid}`;
  const context = asObject(message.context);
  return compact({
    kind: 'message' as const,
    accountExternalId,
    providerMessageId,
    from: senderOf(waId, contacts),
    sentAt,
    content,
    replyToProviderMessageId: asString(context?.id),
    referredProduct: referredProductOf(asObject(context?.referred_product)),
  });
}

/**
 * A user's edit or deletion ("revoke") of an earlier message: `edit.original_message_id` with
 * the new `edit.message` (a text's body or a media message's caption), or
 * `revoke.original_message_id`. Meta sends these to WhatsApp Business app numbers onboarded to
 * Cloud API ("Coexistence") only; the timestamp is when the user changed the message.
 */
function readUserChange(
  message: JsonObject,
  type: 'edit' | 'revoke',
  accountExternalId: string,
  at: Date,
): MessageChangeEvent | string {
  const body = asObject(message[type]);
  const providerMessageId = asString(body?.original_message_id);
  if (!providerMessageId) return `${type}.original_message_id is missing`;
  const base = { kind: 'change' as const, accountExternalId, providerMessageId, at };
  if (type === 'revoke') return { ...base, change: { type: 'deleted' } };
  const edited = asObject(body?.message);
  const editedType = asString(edited?.type);
  const part = editedType ? asObject(edited?.[editedType]) : undefined;
  const text = editedType === 'text' ? part?.body : part?.caption;
  if (typeof text !== 'string') return 'edit.message has no text body or caption';
  return { ...base, change: { type: 'edited', text } };
}

/** A product enquiry ("Message business" on a catalog item) names the catalog and the item. */
function referredProductOf(product: JsonObject | undefined): ReferredProduct | undefined {
  const catalogId = asString(product?.catalog_id);
  const productRetailerId = asString(product?.product_retailer_id);
  return catalogId && productRetailerId ? { catalogId, productRetailerId } : undefined;
}

function senderOf(waId: string, contacts: readonly (JsonObject | undefined)[]): InboundSender {
  const contact = contacts.find((c) => asString(c?.wa_id) === waId);
  return compact({
    address: waId,
    addressType: 'wa_id' as const,
    phone: `+${waId}`,
    name: asString(asObject(contact?.profile)?.name),
  });
}

function readStatus(
  status: JsonObject | undefined,
  accountExternalId: string,
): StatusUpdateEvent | string {
  if (!status) return 'not an object';
  const name = asString(status.status);
  if (!name || !TRACKED_STATUSES.includes(name)) return `status '${String(name)}' is not tracked`;
  const providerMessageId = asString(status.id);
  if (!providerMessageId) return 'id is missing';
  const at = unixSecondsToDate(status.timestamp);
  if (!at) return 'timestamp is not unix seconds';
  return compact({
    kind: 'status' as const,
    accountExternalId,
    providerMessageId,
    status: name as DeliveryStatus,
    at,
    recipient: asString(status.recipient_id),
    error: name === 'failed' ? errorOf(asObject(asArray(status.errors)[0])) : undefined,
  });
}

/** Meta's error: numeric `code`, short `title`, longer `message`/`error_data.details`. */
function errorOf(error: JsonObject | undefined): StatusUpdateEvent['error'] {
  if (!error) return undefined;
  const code = asNumber(error.code);
  return compact({
    code: code === undefined ? 'unknown' : String(code),
    title: asString(error.title) ?? asString(error.message) ?? 'Failed',
    detail: asString(asObject(error.error_data)?.details) ?? asString(error.message),
  });
}
