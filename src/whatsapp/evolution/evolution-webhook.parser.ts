import type {
  DeliveryStatus,
  InboundMessageEvent,
  InboundSender,
  NormalizedEvent,
  StatusUpdateEvent,
} from '@app/messaging/inbound/normalized-event';
import {
  JsonObject,
  asNumber,
  asObject,
  asString,
  compact,
  unixSecondsToDate,
} from '@app/messaging/inbound/webhook-payload.reader';
import {
  evolutionChangeIdOf,
  readEvolutionDelete,
  readEvolutionEdit,
} from './evolution-webhook.changes';
import { evolutionContentOf, typedBodyOf } from './evolution-webhook.content';

export type EvolutionConnectionState = 'open' | 'connecting' | 'close';

export interface ParsedEvolutionWebhook {
  /** The Evolution instance name (our account's externalId). */
  instance?: string;
  /** The event name, lower-case with dots (`messages.upsert`), whatever form it came in. */
  event?: string;
  events: NormalizedEvent[];
  connection?: { state: EvolutionConnectionState; reason?: string };
  qr?: { base64?: string; code?: string; pairingCode?: string };
  /** What was left out and why; never quotes message contents or numbers. */
  skipped: string[];
}

const STATUSES: Readonly<Record<string, DeliveryStatus>> = {
  SERVER_ACK: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'read',
  ERROR: 'failed',
};
const CONNECTION_STATES: readonly string[] = ['open', 'connecting', 'close'];

/** `MESSAGES_UPSERT` and `messages.upsert` are the same event (webhook_by_events vs global). */
export function evolutionEventName(event: unknown): string | undefined {
  const name = asString(event);
  return name?.toLowerCase().replace(/_/g, '.');
}

/**
 * Reads an Evolution API v2 webhook envelope (`{ event, instance, data, date_time, ... }`).
 * Pure and total: what cannot be read is listed in `skipped`, the rest is still returned.
 */
export function parseEvolutionWebhook(body: unknown): ParsedEvolutionWebhook {
  const root = asObject(body);
  const event = evolutionEventName(root?.event);
  const instance = asString(root?.instance);
  const out: ParsedEvolutionWebhook = compact({ instance, event, events: [], skipped: [] });
  if (!root || !event || !instance) {
    out.skipped.push('envelope without event or instance');
    return out;
  }
  const receivedAt = isoDate(root.date_time);
  switch (event) {
    case 'messages.upsert':
    case 'send.message':
      itemsOf(root.data).forEach((item, i) => {
        const read = readMessage(asObject(item), instance, event === 'send.message');
        if (typeof read === 'string') out.skipped.push(`data[${i}]: ${read}`);
        else out.events.push(read);
      });
      break;
    case 'messages.update':
      itemsOf(root.data).forEach((item, i) => {
        const read = readStatus(asObject(item), instance, receivedAt);
        if (typeof read === 'string') out.skipped.push(`data[${i}]: ${read}`);
        else out.events.push(read);
      });
      break;
    case 'messages.edited':
    case 'messages.delete': {
      const read = (event === 'messages.edited' ? readEvolutionEdit : readEvolutionDelete)(
        asObject(root.data),
        instance,
        receivedAt,
      );
      if (typeof read === 'string') out.skipped.push(`data: ${read}`);
      else out.events.push(read);
      break;
    }
    case 'connection.update': {
      const data = asObject(root.data);
      const state = asString(data?.state);
      if (!state || !CONNECTION_STATES.includes(state)) {
        out.skipped.push(`connection state '${String(state)}' is not known`);
        break;
      }
      const reason = data?.statusReason;
      out.connection = compact({
        state: state as EvolutionConnectionState,
        reason:
          typeof reason === 'number' || typeof reason === 'string' ? String(reason) : undefined,
      });
      break;
    }
    case 'qrcode.updated': {
      const qr = asObject(asObject(root.data)?.qrcode);
      const read = compact({
        base64: asString(qr?.base64),
        code: asString(qr?.code),
        pairingCode: asString(qr?.pairingCode),
      });
      if (Object.keys(read).length) out.qr = read;
      else out.skipped.push('qrcode without base64, code or pairingCode');
      break;
    }
    default:
      out.skipped.push(`event '${event}' is not handled`);
  }
  return out;
}

/**
 * The inbox id of a delivery: one row per message event (per status for updates, per edit
 * time for edits).
 */
export function evolutionEventIdOf(body: unknown): string | undefined {
  const root = asObject(body);
  const event = evolutionEventName(root?.event);
  const data = asObject(root?.data);
  if (data && (event === 'messages.edited' || event === 'messages.delete')) {
    return evolutionChangeIdOf(event, data);
  }
  const keyId = asString(asObject(data?.key)?.id) ?? asString(data?.keyId);
  if (!event || !data || !keyId) return undefined;
  const status = event === 'messages.update' ? asString(data.status) : undefined;
  return [event, keyId, status].filter(Boolean).join(':');
}

function itemsOf(data: unknown): readonly unknown[] {
  return Array.isArray(data) ? data : data === undefined ? [] : [data];
}

function readMessage(
  item: JsonObject | undefined,
  instance: string,
  echo: boolean,
): InboundMessageEvent | string {
  const key = asObject(item?.key);
  const providerMessageId = asString(key?.id);
  if (!item || !key || !providerMessageId) return 'key.id is missing';
  const jid = asString(key.remoteJid);
  if (!jid) return 'key.remoteJid is missing';
  if (jid.endsWith('@g.us') || jid === 'status@broadcast' || jid.endsWith('@broadcast')) {
    return 'group and broadcast chats are not handled';
  }
  const fromMe = echo || key.fromMe === true;
  const from = senderOf(jid, key, fromMe ? undefined : asString(item.pushName));
  if (!from) return `remoteJid server is not handled`;
  const message = asObject(item.message);
  const typed = message && typedBodyOf(message, asString(item.messageType));
  if (!typed) return 'message is missing';
  const content = evolutionContentOf(typed.type, typed.body, providerMessageId);
  if ('skip' in content) return content.skip;
  const sentAt = timestampOf(item.messageTimestamp);
  if (!sentAt) return 'messageTimestamp is not unix seconds';
  return compact({
    kind: 'message' as const,
    accountExternalId: instance,
    providerMessageId,
    from,
    sentAt,
    content,
    replyToProviderMessageId: quotedIdOf(item, typed.body),
    fromMe: fromMe || undefined,
  });
}

/**
 * The id of the quoted message. Evolution copies the content's contextInfo beside the message
 * (`data.contextInfo`), and recent v2 builds then turn an extendedTextMessage into a plain `conversation`,
 * which has no contextInfo of its own: a quoted text reply keeps its stanzaId only there.
 */
function quotedIdOf(item: JsonObject, body: unknown): string | undefined {
  return (
    asString(asObject(item.contextInfo)?.stanzaId) ??
    asString(asObject(asObject(body)?.contextInfo)?.stanzaId)
  );
}

/**
 * The customer behind a chat. For `fromMe` messages the chat's jid is still the customer (the
 * recipient), and pushName is the business's own name, so it is not taken as theirs.
 */
function senderOf(jid: string, key: JsonObject, name?: string): InboundSender | undefined {
  const [user, server] = splitJid(jid);
  if (!user) return undefined;
  if (server === 's.whatsapp.net') {
    return compact({ address: user, addressType: 'wa_id' as const, phone: `+${user}`, name });
  }
  if (server === 'lid') {
    // WhatsApp's privacy ids, kept whole (`<id>@lid`) as the send side addresses them.
    // Evolution adds the phone jid (remoteJidAlt, older builds senderPn) when WhatsApp tells it.
    const alt = [key.remoteJidAlt, key.senderPn].map((v) => splitJid(asString(v) ?? ''));
    const phone = alt.find(([digits, host]) => digits && host === 's.whatsapp.net')?.[0];
    return compact({
      address: `${user}@lid`,
      addressType: 'lid' as const,
      phone: phone ? `+${phone}` : undefined,
      name,
    });
  }
  return undefined;
}

/** `5511999999999:12@s.whatsapp.net` → ['5511999999999', 's.whatsapp.net'] (device dropped). */
function splitJid(jid: string): [string | undefined, string | undefined] {
  const at = jid.lastIndexOf('@');
  if (at <= 0) return [undefined, undefined];
  const user = jid.slice(0, at).split(':')[0];
  return [/^\d+$/.test(user) ? user : undefined, jid.slice(at + 1)];
}

function readStatus(
  item: JsonObject | undefined,
  instance: string,
  receivedAt: Date | undefined,
): StatusUpdateEvent | string {
  if (!item) return 'not an object';
  const name = asString(item.status);
  const status = name ? STATUSES[name] : undefined;
  if (!status) return `status '${String(name)}' is not tracked`;
  // v2 flattens the key into keyId/remoteJid/fromMe; older builds spread the key itself.
  const key = asObject(item.key) ?? item;
  const providerMessageId = asString(item.keyId) ?? asString(key.id);
  if (!providerMessageId) return 'keyId is missing';
  if (key.fromMe === false) return 'status of a message we received';
  const at = timestampOf(item.messageTimestamp) ?? isoDate(item.dateTime) ?? receivedAt;
  if (!at) return 'no time for the status';
  const [recipient] = splitJid(asString(key.remoteJid) ?? '');
  return compact({
    kind: 'status' as const,
    accountExternalId: instance,
    providerMessageId,
    status,
    at,
    recipient,
    error: status === 'failed' ? { code: 'ERROR', title: 'WhatsApp reported an error' } : undefined,
  });
}

/** Baileys timestamps: unix seconds as a number, a numeric string or a protobuf Long. */
function timestampOf(value: unknown): Date | undefined {
  const low = asNumber(asObject(value)?.low);
  return unixSecondsToDate(low ?? value);
}

function isoDate(value: unknown): Date | undefined {
  const text = asString(value);
  const date = text ? new Date(text) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
