import type { InboundMessageEvent } from '@app/messaging/inbound/normalized-event';
import { evolutionEventIdOf, parseEvolutionWebhook } from './evolution-webhook.parser';

// Envelopes and Baileys shapes as Evolution API v2 sends them (WebhookController.sendData,
// BaileysStartupService messages.upsert / messages.update / connection.update / qrcode).
const INSTANCE = 'store-main';
const TS = 1749416383;
const PHONE_JID = '5511988887777@s.whatsapp.net';

const envelope = (event: string, data: unknown) => ({
  event,
  instance: INSTANCE,
  data,
  destination: 'https://omnihub.example.com/webhooks/evolution/acc',
  date_time: '2025-06-08T21:39:50.000Z',
  sender: '5511900000000@s.whatsapp.net',
  server_url: 'https://evolution.example.com',
  apikey: 'instance-key',
});

const upsert = (
  message: Record<string, unknown>,
  key: Record<string, unknown> = {},
  event = 'messages.upsert',
  messageType = Object.keys(message)[0],
) =>
  envelope(event, {
    key: { remoteJid: PHONE_JID, fromMe: false, id: '3EB0AAAA1111', ...key },
    pushName: 'Maria Souza',
    status: 'DELIVERY_ACK',
    message: { ...message, messageContextInfo: { messageSecret: 'c2VjcmV0' } },
    messageType,
    messageTimestamp: TS,
    instanceId: 'af6c5b7c-ee27-4f94-9ea8-192393746ddd',
    source: 'android',
  });

const only = (body: unknown) => {
  const parsed = parseEvolutionWebhook(body);
  expect(parsed.skipped).toEqual([]);
  expect(parsed.events).toHaveLength(1);
  return parsed.events[0];
};
const messageOf = (body: unknown) => only(body) as InboundMessageEvent;
const contentOf = (message: Record<string, unknown>) => messageOf(upsert(message)).content;
const skippedOf = (body: unknown) => {
  const parsed = parseEvolutionWebhook(body);
  expect(parsed.events).toEqual([]);
  return parsed.skipped;
};

const media = { url: 'https://mmg.whatsapp.net/x.enc', fileSha256: 'aGFzaA==', fileLength: '10' };

describe('parseEvolutionWebhook: messages.upsert', () => {
  it('reads a plain conversation text with its sender, instance and time', () => {
    const parsed = parseEvolutionWebhook(upsert({ conversation: 'Olá, tudo bem?' }));
    expect(parsed).toEqual({
      instance: INSTANCE,
      event: 'messages.upsert',
      skipped: [],
      events: [
        {
          kind: 'message',
          accountExternalId: INSTANCE,
          providerMessageId: '3EB0AAAA1111',
          from: {
            address: '5511988887777',
            addressType: 'wa_id',
            phone: '+5511988887777',
            name: 'Maria Souza',
          },
          sentAt: new Date(TS * 1000),
          content: { type: 'text', text: 'Olá, tudo bem?' },
        },
      ],
    });
  });

  it('accepts the upper-case event name (webhook by events) like the dotted one', () => {
    const body = upsert({ conversation: 'oi' }, {}, 'MESSAGES_UPSERT');
    expect(messageOf(body).content).toEqual({ type: 'text', text: 'oi' });
    expect(parseEvolutionWebhook(body).event).toBe('messages.upsert');
  });

  it('reads an extended text with the quoted message id as the reply target', () => {
    const event = messageOf(
      upsert({
        extendedTextMessage: {
          text: 'Sim, esse mesmo',
          contextInfo: { stanzaId: '3EB0QUOTED', participant: '5511900000000@s.whatsapp.net' },
        },
      }),
    );
    expect(event.content).toEqual({ type: 'text', text: 'Sim, esse mesmo' });
    expect(event.replyToProviderMessageId).toBe('3EB0QUOTED');
  });

  it('finds the quoted id beside the message when Evolution flattened the reply into a conversation', () => {
    // Evolution copies the content's contextInfo to data.contextInfo, then replaces an
    // extendedTextMessage by a plain `conversation` string, which carries no contextInfo.
    const body = upsert({ conversation: 'Sim, esse mesmo' }) as { data: Record<string, unknown> };
    body.data.contextInfo = {
      stanzaId: '3EB0QUOTED',
      participant: '5511900000000@s.whatsapp.net',
      quotedMessage: { conversation: 'Quer o horário das 14h?' },
    };
    const event = messageOf(body);
    expect(event.content).toEqual({ type: 'text', text: 'Sim, esse mesmo' });
    expect(event.replyToProviderMessageId).toBe('3EB0QUOTED');
    expect(event.sentAt).toEqual(new Date(TS * 1000));
  });

  it('reads image, video, audio, document and sticker with the key id as the media id', () => {
    expect(
      contentOf({ imageMessage: { ...media, mimetype: 'image/jpeg', caption: 'Frente' } }),
    ).toEqual({
      type: 'image',
      media: {
        mediaId: '3EB0AAAA1111',
        mimeType: 'image/jpeg',
        sha256: 'aGFzaA==',
        caption: 'Frente',
      },
    });
    expect(contentOf({ videoMessage: { ...media, mimetype: 'video/mp4', seconds: 9 } })).toEqual({
      type: 'video',
      media: { mediaId: '3EB0AAAA1111', mimeType: 'video/mp4', sha256: 'aGFzaA==' },
    });
    expect(
      contentOf({ audioMessage: { ...media, mimetype: 'audio/ogg; codecs=opus', ptt: true } }),
    ).toEqual({
      type: 'audio',
      media: {
        mediaId: '3EB0AAAA1111',
        mimeType: 'audio/ogg; codecs=opus',
        sha256: 'aGFzaA==',
        voice: true,
      },
    });
    expect(
      contentOf({
        documentMessage: { ...media, mimetype: 'application/pdf', fileName: 'boleto.pdf' },
      }),
    ).toEqual({
      type: 'document',
      media: {
        mediaId: '3EB0AAAA1111',
        mimeType: 'application/pdf',
        sha256: 'aGFzaA==',
        filename: 'boleto.pdf',
      },
    });
    expect(
      contentOf({ stickerMessage: { ...media, mimetype: 'image/webp', isAnimated: true } }),
    ).toEqual({
      type: 'sticker',
      media: {
        mediaId: '3EB0AAAA1111',
        mimeType: 'image/webp',
        sha256: 'aGFzaA==',
        animated: true,
      },
    });
  });

  it('unwraps a document with caption and an ephemeral message', () => {
    const wrapped = {
      documentWithCaptionMessage: {
        message: {
          documentMessage: { mimetype: 'application/pdf', fileName: 'nf.pdf', caption: 'NF' },
        },
      },
    };
    expect(contentOf(wrapped)).toEqual({
      type: 'document',
      media: {
        mediaId: '3EB0AAAA1111',
        mimeType: 'application/pdf',
        filename: 'nf.pdf',
        caption: 'NF',
      },
    });
    expect(contentOf({ ephemeralMessage: { message: { conversation: 'some' } } })).toEqual({
      type: 'text',
      text: 'some',
    });
  });

  it('never copies inline base64 media into the content', () => {
    const body = upsert({ imageMessage: { mimetype: 'image/jpeg' } });
    (body.data as { message: Record<string, unknown> }).message.base64 = 'iVBORw0KGgo=';
    expect(JSON.stringify(messageOf(body).content)).not.toContain('iVBORw0KGgo');
  });

  it('reads a location with its name and address', () => {
    expect(
      contentOf({
        locationMessage: {
          degreesLatitude: -23.5505,
          degreesLongitude: -46.6333,
          name: 'Loja Centro',
          address: 'Praça da Sé, São Paulo',
        },
      }),
    ).toEqual({
      type: 'location',
      latitude: -23.5505,
      longitude: -46.6333,
      name: 'Loja Centro',
      address: 'Praça da Sé, São Paulo',
    });
  });

  it('reads a contact card and a contacts array as contact cards', () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:João\nTEL;type=CELL:+55 11 91234-5678\nEND:VCARD';
    expect(contentOf({ contactMessage: { displayName: 'João', vcard } })).toEqual({
      type: 'contacts',
      contacts: [{ displayName: 'João', vcard }],
    });
    expect(
      contentOf({
        contactsArrayMessage: {
          displayName: '2 contatos',
          contacts: [
            { displayName: 'João', vcard },
            { displayName: 'Ana', vcard },
          ],
        },
      }),
    ).toEqual({
      type: 'contacts',
      contacts: [
        { displayName: 'João', vcard },
        { displayName: 'Ana', vcard },
      ],
    });
  });

  it('reads a reaction, and an empty reaction as taking it back', () => {
    const key = { remoteJid: PHONE_JID, fromMe: true, id: '3EB0TARGET' };
    expect(contentOf({ reactionMessage: { key, text: '👍', senderTimestampMs: '1' } })).toEqual({
      type: 'reaction',
      targetProviderMessageId: '3EB0TARGET',
      emoji: '👍',
    });
    expect(contentOf({ reactionMessage: { key, text: '' } })).toEqual({
      type: 'reaction',
      targetProviderMessageId: '3EB0TARGET',
      emoji: null,
    });
  });

  it('reads button and list answers as interactive replies', () => {
    expect(
      contentOf({
        buttonsResponseMessage: { selectedButtonId: 'confirm', selectedDisplayText: 'Confirmar' },
      }),
    ).toEqual({
      type: 'interactive_reply',
      replyType: 'button',
      id: 'confirm',
      title: 'Confirmar',
    });
    expect(
      contentOf({
        listResponseMessage: {
          title: 'Terça 10h',
          description: 'Centro',
          listType: 'SINGLE_SELECT',
          singleSelectReply: { selectedRowId: 'slot-2' },
        },
      }),
    ).toEqual({
      type: 'interactive_reply',
      replyType: 'list',
      id: 'slot-2',
      title: 'Terça 10h',
      description: 'Centro',
    });
  });

  it('keeps an unknown message type as unsupported, named by its Baileys type', () => {
    expect(contentOf({ pollCreationMessageV3: { name: 'Qual dia?', options: [] } })).toEqual({
      type: 'unsupported',
      platformType: 'pollCreationMessageV3',
    });
  });

  it('reads a protobuf Long timestamp and a numeric string one', () => {
    const long = upsert({ conversation: 'a' });
    (long.data as Record<string, unknown>).messageTimestamp = { low: TS, high: 0, unsigned: true };
    expect(messageOf(long).sentAt).toEqual(new Date(TS * 1000));
    const text = upsert({ conversation: 'a' });
    (text.data as Record<string, unknown>).messageTimestamp = String(TS);
    expect(messageOf(text).sentAt).toEqual(new Date(TS * 1000));
  });

  it('reads a batch (array data) item by item, skipping only the bad one', () => {
    const good = upsert({ conversation: 'a' }).data;
    const body = envelope('messages.upsert', [good, { key: { remoteJid: PHONE_JID } }]);
    const parsed = parseEvolutionWebhook(body);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.skipped).toEqual(['data[1]: key.id is missing']);
  });
});

describe('parseEvolutionWebhook: who sent it', () => {
  it('marks a message sent from the phone as fromMe, the chat being the customer', () => {
    const event = messageOf(upsert({ conversation: 'Já enviei' }, { fromMe: true }));
    expect(event.fromMe).toBe(true);
    // pushName of an own message is the business's name, not the customer's.
    expect(event.from).toEqual({
      address: '5511988887777',
      addressType: 'wa_id',
      phone: '+5511988887777',
    });
  });

  it('treats send.message as an outbound echo', () => {
    const event = messageOf(upsert({ conversation: 'via API' }, { fromMe: true }, 'SEND_MESSAGE'));
    expect(event.fromMe).toBe(true);
    expect(event.content).toEqual({ type: 'text', text: 'via API' });
  });

  it('drops the device suffix of a jid', () => {
    const event = messageOf(
      upsert({ conversation: 'x' }, { remoteJid: '5511988887777:12@s.whatsapp.net' }),
    );
    expect(event.from.address).toBe('5511988887777');
  });

  it('reads an @lid sender as a lid identity with the phone from remoteJidAlt', () => {
    const event = messageOf(
      upsert(
        { conversation: 'x' },
        { remoteJid: '123456789012345@lid', remoteJidAlt: PHONE_JID, addressingMode: 'lid' },
      ),
    );
    expect(event.from).toEqual({
      address: '123456789012345@lid',
      addressType: 'lid',
      phone: '+5511988887777',
      name: 'Maria Souza',
    });
  });

  it('takes the phone of an @lid sender from senderPn on older builds, or none at all', () => {
    const withPn = messageOf(
      upsert({ conversation: 'x' }, { remoteJid: '123456789012345@lid', senderPn: PHONE_JID }),
    );
    expect(withPn.from.phone).toBe('+5511988887777');
    const hidden = messageOf(upsert({ conversation: 'x' }, { remoteJid: '123456789012345@lid' }));
    expect(hidden.from).toEqual({
      address: '123456789012345@lid',
      addressType: 'lid',
      name: 'Maria Souza',
    });
  });

  it('skips group chats, status broadcasts and protocol frames', () => {
    expect(
      skippedOf(upsert({ conversation: 'x' }, { remoteJid: '120363025246125888@g.us' })),
    ).toEqual(['data[0]: group and broadcast chats are not handled']);
    expect(skippedOf(upsert({ conversation: 'x' }, { remoteJid: 'status@broadcast' }))).toEqual([
      'data[0]: group and broadcast chats are not handled',
    ]);
    expect(skippedOf(upsert({ protocolMessage: { type: 'REVOKE' } }))).toEqual([
      'data[0]: protocolMessage is not a message',
    ]);
  });
});

describe('parseEvolutionWebhook: messages.update', () => {
  const update = (status: string, extra: Record<string, unknown> = {}) =>
    envelope('messages.update', {
      messageId: 'cm3xk2v0p0001',
      keyId: '3EB0OUT1',
      remoteJid: PHONE_JID,
      fromMe: true,
      participant: PHONE_JID,
      status,
      instanceId: 'af6c5b7c-ee27-4f94-9ea8-192393746ddd',
      ...extra,
    });

  it.each([
    ['SERVER_ACK', 'sent'],
    ['DELIVERY_ACK', 'delivered'],
    ['READ', 'read'],
    ['PLAYED', 'read'],
  ])('maps %s to %s at the delivery time', (status, expected) => {
    expect(only(update(status))).toEqual({
      kind: 'status',
      accountExternalId: INSTANCE,
      providerMessageId: '3EB0OUT1',
      status: expected,
      at: new Date('2025-06-08T21:39:50.000Z'),
      recipient: '5511988887777',
    });
  });

  it('maps ERROR to failed with an error', () => {
    expect(only(update('ERROR'))).toMatchObject({
      status: 'failed',
      error: { code: 'ERROR', title: 'WhatsApp reported an error' },
    });
  });

  it('reads the older shape where the key itself is spread into data', () => {
    const body = envelope('MESSAGES_UPDATE', {
      id: '3EB0OUT2',
      remoteJid: PHONE_JID,
      fromMe: true,
      status: 'DELIVERY_ACK',
      datetime: 1749416390000,
    });
    expect(only(body)).toMatchObject({ providerMessageId: '3EB0OUT2', status: 'delivered' });
  });

  it('skips pending, deleted and statuses of messages we received', () => {
    expect(skippedOf(update('PENDING'))).toEqual(["data[0]: status 'PENDING' is not tracked"]);
    expect(skippedOf(update('DELETED'))).toEqual(["data[0]: status 'DELETED' is not tracked"]);
    expect(skippedOf(update('READ', { fromMe: false }))).toEqual([
      'data[0]: status of a message we received',
    ]);
  });
});

describe('parseEvolutionWebhook: instance events', () => {
  it.each(['open', 'connecting', 'close'] as const)('reads connection state %s', (state) => {
    const parsed = parseEvolutionWebhook(
      envelope('CONNECTION_UPDATE', { instance: INSTANCE, state, statusReason: 401 }),
    );
    expect(parsed.connection).toEqual({ state, reason: '401' });
    expect(parsed.events).toEqual([]);
  });

  it('skips an unknown connection state', () => {
    const parsed = parseEvolutionWebhook(envelope('connection.update', { state: 'refused' }));
    expect(parsed.connection).toBeUndefined();
    expect(parsed.skipped).toEqual(["connection state 'refused' is not known"]);
  });

  it('reads the QR code, its text and the pairing code', () => {
    const parsed = parseEvolutionWebhook(
      envelope('qrcode.updated', {
        qrcode: {
          instance: INSTANCE,
          pairingCode: 'WZYEH1YY',
          code: '2@y8eK+bjtEjUWy9/FOM...',
          base64: 'data:image/png;base64,iVBORw0KGgo=',
        },
      }),
    );
    expect(parsed.qr).toEqual({
      base64: 'data:image/png;base64,iVBORw0KGgo=',
      code: '2@y8eK+bjtEjUWy9/FOM...',
      pairingCode: 'WZYEH1YY',
    });
  });

  it('names events it does not handle and envelopes it cannot read', () => {
    expect(parseEvolutionWebhook(envelope('PRESENCE_UPDATE', {})).skipped).toEqual([
      "event 'presence.update' is not handled",
    ]);
    expect(parseEvolutionWebhook({ data: {} }).skipped).toEqual([
      'envelope without event or instance',
    ]);
    expect(parseEvolutionWebhook('not json').skipped).toEqual([
      'envelope without event or instance',
    ]);
  });
});

describe('evolutionEventIdOf', () => {
  it('names a message event by event and key id, whatever the name spelling', () => {
    expect(evolutionEventIdOf(upsert({ conversation: 'x' }))).toBe('messages.upsert:3EB0AAAA1111');
    expect(evolutionEventIdOf(upsert({ conversation: 'x' }, {}, 'MESSAGES_UPSERT'))).toBe(
      'messages.upsert:3EB0AAAA1111',
    );
  });

  it('adds the status for updates, so each step of a message is its own event', () => {
    const update = (status: string) =>
      envelope('messages.update', { keyId: '3EB0OUT1', fromMe: true, status });
    expect(evolutionEventIdOf(update('DELIVERY_ACK'))).toBe(
      'messages.update:3EB0OUT1:DELIVERY_ACK',
    );
    expect(evolutionEventIdOf(update('READ'))).toBe('messages.update:3EB0OUT1:READ');
  });

  it('gives none for events without a message key (the body hash identifies them)', () => {
    expect(evolutionEventIdOf(envelope('connection.update', { state: 'open' }))).toBeUndefined();
    expect(evolutionEventIdOf(envelope('qrcode.updated', { qrcode: {} }))).toBeUndefined();
  });
});
