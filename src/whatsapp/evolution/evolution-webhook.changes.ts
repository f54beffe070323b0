import type { MessageChangeEvent } from '@app/messaging/inbound/normalized-event';
import {
  JsonObject,
  asNumber,
  asObject,
  asString,
} from '@app/messaging/inbound/webhook-payload.reader';

/**
 * Edits and deletions as Evolution API v2 delivers them (whatsapp.baileys.service.ts):
 * - `messages.edited`: `data` is the Baileys protocolMessage itself, `{ key, type,
 *   editedMessage, timestampMs }`, `key.id` naming the changed message. Evolution sends every
 *   protocolMessage under this event, so `type` decides: MESSAGE_EDIT (14) is an edit, REVOKE
 *   (0) a deletion ("delete for everyone"), anything else (ephemeral settings...) no change.
 *   Enums arrive as names (protobufjs toJSON) or numbers; timestampMs as a string or a Long.
 * - `messages.delete`: `data` is the deleted message's key `{ remoteJid, fromMe, id }` (a
 *   deletion seen by Baileys), or, for a deletion made through Evolution's own API, the stored
 *   message `{ id: <Evolution's row id>, key: { id }, status: 'DELETED', ... }`.
 */

const EDIT_TYPES: readonly unknown[] = ['MESSAGE_EDIT', 14];
const REVOKE_TYPES: readonly unknown[] = ['REVOKE', 0];

/** The new text of an edited message: a text's body or a media message's caption. */
function editedTextOf(edited: JsonObject | undefined): string | undefined {
  if (!edited) return undefined;
  if (typeof edited.conversation === 'string') return edited.conversation;
  const extended = asObject(edited.extendedTextMessage);
  if (typeof extended?.text === 'string') return extended.text;
  for (const kind of ['imageMessage', 'videoMessage', 'documentMessage']) {
    const caption = asObject(edited[kind])?.caption;
    if (typeof caption === 'string') return caption;
  }
  // Some builds wrap the edited content once more (`editedMessage.message`).
  return edited.message === undefined ? undefined : editedTextOf(asObject(edited.message));
}

/** Unix milliseconds as a number, a numeric string or a protobuf Long ({ low, high }). */
function millisOf(value: unknown): Date | undefined {
  const long = asObject(value);
  const ms = long
    ? (asNumber(long.high) ?? 0) * 2 ** 32 + ((asNumber(long.low) ?? 0) >>> 0)
    : Number(asString(value) ?? asNumber(value));
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}

export function readEvolutionEdit(
  data: JsonObject | undefined,
  instance: string,
  receivedAt: Date | undefined,
): MessageChangeEvent | string {
  const providerMessageId = asString(asObject(data?.key)?.id);
  if (!data || !providerMessageId) return 'protocolMessage.key.id is missing';
  const at = millisOf(data.timestampMs) ?? receivedAt;
  if (!at) return 'no time for the change';
  const base = { kind: 'change' as const, accountExternalId: instance, providerMessageId, at };
  if (REVOKE_TYPES.includes(data.type)) return { ...base, change: { type: 'deleted' } };
  if (!EDIT_TYPES.includes(data.type))
    return `protocolMessage type '${String(data.type)}' is no change`;
  const text = editedTextOf(asObject(data.editedMessage));
  if (text === undefined) return 'editedMessage has no text or caption';
  return { ...base, change: { type: 'edited', text } };
}

export function readEvolutionDelete(
  data: JsonObject | undefined,
  instance: string,
  receivedAt: Date | undefined,
): MessageChangeEvent | string {
  // The stored-message form carries Evolution's own row id in `id`: the key's id comes first.
  const providerMessageId = asString(asObject(data?.key)?.id) ?? asString(data?.id);
  if (!providerMessageId) return 'key id is missing';
  if (!receivedAt) return 'no time for the deletion';
  return {
    kind: 'change',
    accountExternalId: instance,
    providerMessageId,
    change: { type: 'deleted' },
    at: receivedAt,
  };
}

/** The inbox id part of a change: an edit per edit time, a deletion once per message. */
export function evolutionChangeIdOf(event: string, data: JsonObject): string | undefined {
  const keyId = asString(asObject(data.key)?.id) ?? asString(data.id);
  if (!keyId) return undefined;
  if (event === 'messages.delete') return `${event}:${keyId}`;
  const stamp = millisOf(data.timestampMs)?.getTime();
  // Without a time two edits of one message are told apart by their bodies' hash instead.
  return stamp === undefined ? undefined : `${event}:${keyId}:${String(data.type)}:${stamp}`;
}
