import { randomBytes } from 'node:crypto';

/**
 * Evolution API v2 webhook envelopes as its WebhookController sends them
 * (`{ event, instance, data, destination, date_time, sender, server_url, apikey }`), with
 * Baileys message shapes in `data`, for tests to POST to /webhooks/evolution/:accountId.
 * `apikey` is null unless asked for, as Evolution sends it unless the server runs with
 * AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=true (channel.service.ts `sendDataWebhook`).
 */
type Json = Record<string, unknown>;

export interface EvolutionInstance {
  name: string;
  apiKey: string;
  /** The business's own number (the envelope's `sender`). */
  ownNumber?: string;
}

/** Baileys-style message ids: 3EB0 + 16 upper-case hex digits (WhatsApp Web ids). */
export const newEvolutionKeyId = () => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
const unixNow = () => Math.floor(Date.now() / 1000);

export function evolutionEnvelope(
  instance: EvolutionInstance,
  event: string,
  data: unknown,
  options: { apikey?: string | null; dateTime?: string } = {},
): Json {
  return {
    event,
    instance: instance.name,
    data,
    destination: 'https://omnihub.example.com/webhooks/evolution/account',
    date_time: options.dateTime ?? new Date().toISOString(),
    sender: `${instance.ownNumber ?? '5511900000000'}@s.whatsapp.net`,
    server_url: 'https://evolution.example.com',
    apikey: options.apikey ?? null,
  };
}

export interface UpsertOptions {
  /** Full jid of the chat: `<digits>@s.whatsapp.net`, `<id>@lid`, `<id>@g.us`. */
  remoteJid: string;
  id?: string;
  fromMe?: boolean;
  pushName?: string;
  timestamp?: number;
  /** Extra key fields (remoteJidAlt, senderPn, participant, addressingMode). */
  key?: Json;
  /**
   * As the upsert handler of v2 builds does: an extendedTextMessage becomes a plain
   * `conversation` string, its contextInfo surviving only beside the message.
   */
  flattenExtendedText?: boolean;
}

/**
 * One `messages.upsert` item: key, pushName, message, messageType, `contextInfo` (Evolution's
 * copy of the content's own contextInfo: quoted message, mentions), messageTimestamp.
 */
export function evolutionMessage(options: UpsertOptions, messageType: string, body: unknown): Json {
  const contextInfo = (body as { contextInfo?: Json } | null)?.contextInfo;
  const flatten = options.flattenExtendedText && messageType === 'extendedTextMessage';
  const [type, content] = flatten
    ? ['conversation', (body as { text: string }).text]
    : [messageType, body];
  return {
    key: {
      remoteJid: options.remoteJid,
      fromMe: options.fromMe ?? false,
      id: options.id ?? newEvolutionKeyId(),
      ...options.key,
    },
    pushName: options.pushName ?? 'Maria Souza',
    status: options.fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    message: { [type]: content, messageContextInfo: { messageSecret: 'c2VjcmV0' } },
    ...(contextInfo ? { contextInfo } : {}),
    messageType: type,
    messageTimestamp: options.timestamp ?? unixNow(),
    instanceId: 'af6c5b7c-ee27-4f94-9ea8-192393746ddd',
    source: 'android',
  };
}

const media = (mimetype: string, extra: Json = {}) => ({
  url: 'https://mmg.whatsapp.net/v/t62.7118-24/file.enc',
  mimetype,
  fileSha256: 'aGFzaA==',
  fileLength: '48213',
  mediaKey: 'a2V5',
  directPath: '/v/t62.7118-24/file.enc',
  ...extra,
});

export const evolutionBodies = {
  conversation: (text: string) => ['conversation', text] as const,
  extendedText: (text: string, quotedId?: string) =>
    [
      'extendedTextMessage',
      {
        text,
        ...(quotedId
          ? {
              contextInfo: {
                stanzaId: quotedId,
                participant: '5511900000000@s.whatsapp.net',
                quotedMessage: { conversation: 'the quoted text' },
              },
            }
          : {}),
      },
    ] as const,
  image: (caption?: string) =>
    ['imageMessage', media('image/jpeg', caption ? { caption } : {})] as const,
  audio: (ptt = true) =>
    ['audioMessage', media('audio/ogg; codecs=opus', { seconds: 4, ptt })] as const,
  video: (caption?: string) =>
    ['videoMessage', media('video/mp4', { seconds: 9, ...(caption ? { caption } : {}) })] as const,
  document: (fileName: string) =>
    ['documentMessage', media('application/pdf', { fileName, title: fileName })] as const,
  sticker: (isAnimated = false) => ['stickerMessage', media('image/webp', { isAnimated })] as const,
  location: (lat: number, lng: number, name?: string) =>
    [
      'locationMessage',
      { degreesLatitude: lat, degreesLongitude: lng, ...(name ? { name } : {}) },
    ] as const,
  contact: (displayName: string, vcard: string) =>
    ['contactMessage', { displayName, vcard }] as const,
  reaction: (targetId: string, text: string) =>
    [
      'reactionMessage',
      {
        key: { remoteJid: '5511900000000@s.whatsapp.net', fromMe: true, id: targetId },
        text,
        senderTimestampMs: String(Date.now()),
      },
    ] as const,
  buttonsResponse: (id: string, text: string) =>
    ['buttonsResponseMessage', { selectedButtonId: id, selectedDisplayText: text }] as const,
  listResponse: (rowId: string, title: string) =>
    [
      'listResponseMessage',
      { title, listType: 'SINGLE_SELECT', singleSelectReply: { selectedRowId: rowId } },
    ] as const,
};

export function evolutionUpsert(
  instance: EvolutionInstance,
  options: UpsertOptions,
  [messageType, body]: readonly [string, unknown] = evolutionBodies.conversation('Olá!'),
  envelope: { event?: string; apikey?: string | null } = {},
): Json {
  return evolutionEnvelope(
    instance,
    envelope.event ?? 'messages.upsert',
    evolutionMessage(options, messageType, body),
    envelope,
  );
}

/** v2's `messages.update` data: the key flattened into keyId/remoteJid/fromMe. */
export function evolutionStatusUpdate(
  instance: EvolutionInstance,
  keyId: string,
  status: 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED' | 'ERROR' | 'DELETED',
  remoteJid = '5511988887777@s.whatsapp.net',
): Json {
  return evolutionEnvelope(instance, 'messages.update', {
    messageId: 'cm3xk2v0p0001',
    keyId,
    remoteJid,
    fromMe: true,
    participant: remoteJid,
    status,
    instanceId: 'af6c5b7c-ee27-4f94-9ea8-192393746ddd',
  });
}

export function evolutionConnectionUpdate(
  instance: EvolutionInstance,
  state: 'open' | 'connecting' | 'close',
  statusReason = state === 'close' ? 401 : 200,
): Json {
  return evolutionEnvelope(instance, 'connection.update', {
    instance: instance.name,
    state,
    statusReason,
    ...(state === 'open'
      ? { wuid: `${instance.ownNumber ?? '5511900000000'}@s.whatsapp.net` }
      : {}),
  });
}

export function evolutionQrCodeUpdated(
  instance: EvolutionInstance,
  qr: { base64: string; code: string; pairingCode?: string },
): Json {
  return evolutionEnvelope(instance, 'qrcode.updated', {
    qrcode: { instance: instance.name, pairingCode: qr.pairingCode ?? null, ...qr },
  });
}

/**
 * `messages.edited`: Evolution posts the Baileys protocolMessage itself, `{ key, type,
 * editedMessage, timestampMs }`, for an edit (MESSAGE_EDIT) and for a deletion (REVOKE).
 * The key is the sender's view of the changed message.
 */
export function evolutionEdited(
  instance: EvolutionInstance,
  keyId: string,
  change: { text: string; caption?: boolean } | 'revoke',
  timestampMs = Date.now(),
): Json {
  const key = { remoteJid: '5511900000000@s.whatsapp.net', fromMe: true, id: keyId };
  if (change === 'revoke') {
    return evolutionEnvelope(instance, 'messages.edited', { key, type: 'REVOKE' });
  }
  const editedMessage = change.caption
    ? { imageMessage: { caption: change.text } }
    : { extendedTextMessage: { text: change.text } };
  return evolutionEnvelope(instance, 'messages.edited', {
    key,
    type: 'MESSAGE_EDIT',
    editedMessage,
    timestampMs: String(timestampMs),
  });
}

/**
 * `messages.delete`: the deleted message's key as Baileys reported it (`messages.update` with
 * `message: null`), or, for a deletion made through Evolution's own API, its stored message.
 */
export function evolutionDeleted(
  instance: EvolutionInstance,
  keyId: string,
  form: 'key' | 'stored' = 'key',
  remoteJid = '5511988887777@s.whatsapp.net',
): Json {
  const key = { remoteJid, fromMe: form === 'stored', id: keyId };
  return evolutionEnvelope(
    instance,
    'messages.delete',
    form === 'key'
      ? key
      : {
          id: 'cm3xk2v0p0009',
          instanceId: 'af6c5b7c-ee27-4f94-9ea8-192393746ddd',
          key,
          messageType: 'conversation',
          status: 'DELETED',
          source: 'unknown',
          messageTimestamp: unixNow(),
          pushName: '',
          message: { conversation: 'the deleted text' },
        },
  );
}
