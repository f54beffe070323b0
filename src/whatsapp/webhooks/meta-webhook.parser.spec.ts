import { parseMetaWebhook } from './meta-webhook.parser';

// Payloads follow Meta's "messages webhook reference" examples (Cloud API).
const PHONE_NUMBER_ID = '106540352242922';
const WA_ID = '16505551234';
const TS = '1749416383';

const envelope = (value: Record<string, unknown>, field = 'messages') => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
            ...value,
          },
          field,
        },
      ],
    },
  ],
});

const incoming = (message: Record<string, unknown>) =>
  envelope({
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }],
    messages: [{ from: WA_ID, id: 'wamid.IN1', timestamp: TS, ...message }],
  });

const only = (body: unknown) => {
  const { events, skipped } = parseMetaWebhook(body);
  expect(skipped).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0];
};
const contentOf = (message: Record<string, unknown>) => {
  const event = only(incoming(message));
  if (event.kind !== 'message') throw new Error('expected a message');
  return event.content;
};

describe('parseMetaWebhook: messages', () => {
  it('reads a text message with its sender, account, time and quoted message', () => {
    const event = only(
      incoming({
        type: 'text',
        text: { body: 'Does it come in another color?' },
        context: { from: '15550783881', id: 'wamid.OUT1' },
      }),
    );
    expect(event).toEqual({
      kind: 'message',
      accountExternalId: PHONE_NUMBER_ID,
      providerMessageId: 'wamid.IN1',
      from: { address: WA_ID, addressType: 'wa_id', phone: `+${WA_ID}`, name: 'Sheena Nelson' },
      sentAt: new Date(Number(TS) * 1000),
      content: { type: 'text', text: 'Does it come in another color?' },
      replyToProviderMessageId: 'wamid.OUT1',
    });
  });

  it('reads the catalog product a product enquiry is about', () => {
    const event = only(
      incoming({
        type: 'text',
        text: { body: 'Is this still available?' },
        context: {
          from: '15550783881',
          id: 'wamid.CATALOG1',
          referred_product: { catalog_id: '194836987003835', product_retailer_id: 'SKU-01' },
        },
      }),
    );
    expect(event).toMatchObject({
      replyToProviderMessageId: 'wamid.CATALOG1',
      referredProduct: { catalogId: '194836987003835', productRetailerId: 'SKU-01' },
    });
  });

  it('leaves out a referred product without both its ids', () => {
    const event = only(
      incoming({
        type: 'text',
        text: { body: 'Hi' },
        context: { referred_product: { catalog_id: '194836987003835' } },
      }),
    );
    expect(event).not.toHaveProperty('referredProduct');
    expect(event).not.toHaveProperty('replyToProviderMessageId');
  });

  it('reads an image with caption, mime type and hash', () => {
    expect(
      contentOf({
        type: 'image',
        image: {
          caption: 'Front',
          mime_type: 'image/jpeg',
          sha256: 'abc=',
          id: '1003383421387256',
        },
      }),
    ).toEqual({
      type: 'image',
      media: {
        mediaId: '1003383421387256',
        mimeType: 'image/jpeg',
        sha256: 'abc=',
        caption: 'Front',
      },
    });
  });

  it('marks a voice note as voice and an audio file as not', () => {
    const voice = contentOf({
      type: 'audio',
      audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'h', id: '77', voice: true },
    });
    const file = contentOf({
      type: 'audio',
      audio: { mime_type: 'audio/mpeg', sha256: 'h', id: '78', voice: false },
    });
    expect(voice).toMatchObject({ type: 'audio', media: { mediaId: '77', voice: true } });
    expect(file).toMatchObject({ type: 'audio', media: { mediaId: '78', voice: false } });
  });

  it('reads a video and a document with its filename', () => {
    expect(
      contentOf({ type: 'video', video: { mime_type: 'video/mp4', sha256: 'h', id: '90' } }),
    ).toEqual({
      type: 'video',
      media: { mediaId: '90', mimeType: 'video/mp4', sha256: 'h' },
    });
    expect(
      contentOf({
        type: 'document',
        document: {
          caption: 'Invoice',
          filename: 'invoice.pdf',
          mime_type: 'application/pdf',
          sha256: 'h',
          id: '91',
        },
      }),
    ).toEqual({
      type: 'document',
      media: {
        mediaId: '91',
        mimeType: 'application/pdf',
        sha256: 'h',
        caption: 'Invoice',
        filename: 'invoice.pdf',
      },
    });
  });

  it('reads a sticker and whether it is animated', () => {
    expect(
      contentOf({
        type: 'sticker',
        sticker: { mime_type: 'image/webp', sha256: 'h', id: '92', animated: true },
      }),
    ).toEqual({
      type: 'sticker',
      media: { mediaId: '92', mimeType: 'image/webp', sha256: 'h', animated: true },
    });
  });

  it('reads a location with name, address and url', () => {
    expect(
      contentOf({
        type: 'location',
        location: {
          address: '1 Hacker Way, Menlo Park',
          latitude: 37.483307,
          longitude: -122.148981,
          name: 'Main Street Beach',
          url: 'https://example.com',
        },
      }),
    ).toEqual({
      type: 'location',
      latitude: 37.483307,
      longitude: -122.148981,
      name: 'Main Street Beach',
      address: '1 Hacker Way, Menlo Park',
      url: 'https://example.com',
    });
  });

  it('keeps shared contact cards as Meta sent them', () => {
    const card = {
      name: { formatted_name: 'Barbara Johnson', first_name: 'Barbara' },
      phones: [{ phone: '+1 (940) 555-1234', wa_id: '19405551234', type: 'HOME' }],
    };
    expect(contentOf({ type: 'contacts', contacts: [card] })).toEqual({
      type: 'contacts',
      contacts: [card],
    });
  });

  it('reads interactive button and list replies', () => {
    expect(
      contentOf({
        type: 'interactive',
        interactive: {
          type: 'button_reply',
          button_reply: { id: 'change-button', title: 'Change' },
        },
      }),
    ).toEqual({
      type: 'interactive_reply',
      replyType: 'button',
      id: 'change-button',
      title: 'Change',
    });
    expect(
      contentOf({
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'priority', title: 'Priority', description: 'Next day' },
        },
      }),
    ).toEqual({
      type: 'interactive_reply',
      replyType: 'list',
      id: 'priority',
      title: 'Priority',
      description: 'Next day',
    });
  });

  it('stores a Flow reply as unsupported without copying the form answers', () => {
    const content = contentOf({
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"email":"a@b.c"}' },
      },
    });
    expect(content).toEqual({
      type: 'unsupported',
      platformType: 'interactive',
      detail: 'interactive.nfm_reply (flow)',
    });
    expect(JSON.stringify(content)).not.toContain('a@b.c');
  });

  it('reads a template quick-reply button with payload and text', () => {
    expect(
      contentOf({ type: 'button', button: { payload: 'unsubscribe', text: 'Stop promotions' } }),
    ).toEqual({
      type: 'button_reply',
      payload: 'unsubscribe',
      text: 'Stop promotions',
    });
  });

  it('reads a reaction, and a reaction without emoji as its removal', () => {
    expect(
      contentOf({ type: 'reaction', reaction: { message_id: 'wamid.OUT2', emoji: '👍' } }),
    ).toEqual({
      type: 'reaction',
      targetProviderMessageId: 'wamid.OUT2',
      emoji: '👍',
    });
    expect(contentOf({ type: 'reaction', reaction: { message_id: 'wamid.OUT2' } })).toEqual({
      type: 'reaction',
      targetProviderMessageId: 'wamid.OUT2',
      emoji: null,
    });
  });

  it('stores unsupported and unknown messages with Meta’s explanation', () => {
    const errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
    expect(contentOf({ type: 'unsupported', errors })).toEqual({
      type: 'unsupported',
      platformType: 'unsupported',
      detail: '131051: Message type is currently not supported.',
    });
    expect(contentOf({ type: 'unknown', errors })).toMatchObject({
      type: 'unsupported',
      platformType: 'unknown',
    });
  });

  it('stores orders and system messages as unsupported, without the system text', () => {
    expect(contentOf({ type: 'order', order: { catalog_id: 'c1', product_items: [] } })).toEqual({
      type: 'unsupported',
      platformType: 'order',
    });
    const system = contentOf({
      type: 'system',
      system: {
        body: 'User A changed from 1650 to 1651',
        new_wa_id: '1651',
        type: 'user_changed_number',
      },
    });
    expect(system).toEqual({
      type: 'unsupported',
      platformType: 'system',
      detail: 'system.user_changed_number',
    });
  });
});

describe('parseMetaWebhook: statuses', () => {
  const statusBody = (status: Record<string, unknown>) =>
    envelope({ statuses: [{ id: 'wamid.OUT1', recipient_id: WA_ID, timestamp: TS, ...status }] });

  it.each(['sent', 'delivered', 'read'] as const)('reads a %s status', (status) => {
    expect(only(statusBody({ status }))).toEqual({
      kind: 'status',
      accountExternalId: PHONE_NUMBER_ID,
      providerMessageId: 'wamid.OUT1',
      status,
      at: new Date(Number(TS) * 1000),
      recipient: WA_ID,
    });
  });

  it('reads a failed status with Meta’s code, title and details', () => {
    const event = only(
      statusBody({
        status: 'failed',
        errors: [
          {
            code: 131026,
            title: 'Message undeliverable',
            message: 'Message undeliverable',
            error_data: { details: 'Receiver is incapable of receiving this message' },
          },
        ],
      }),
    );
    expect(event).toMatchObject({
      status: 'failed',
      error: {
        code: '131026',
        title: 'Message undeliverable',
        detail: 'Receiver is incapable of receiving this message',
      },
    });
  });

  it('skips statuses it does not track', () => {
    const { events, skipped } = parseMetaWebhook(statusBody({ status: 'deleted' }));
    expect(events).toEqual([]);
    expect(skipped).toEqual([
      "entry[0].changes[0].value.statuses[0]: status 'deleted' is not tracked",
    ]);
  });
});

describe('parseMetaWebhook: malformed input', () => {
  it('skips the bad items of a batch and keeps the good ones', () => {
    const body = envelope({
      contacts: [{ profile: { name: 'A' }, wa_id: WA_ID }],
      messages: [
        { from: WA_ID, id: 'wamid.OK', timestamp: TS, type: 'text', text: { body: 'hi' } },
        { from: WA_ID, timestamp: TS, type: 'text', text: { body: 'no id' } },
        { from: WA_ID, id: 'wamid.NOBODY', timestamp: TS, type: 'text', text: {} },
        {
          from: WA_ID,
          id: 'wamid.BADTS',
          timestamp: 'yesterday',
          type: 'text',
          text: { body: 'x' },
        },
        {
          from_user_id: 'US.1234',
          id: 'wamid.BSUID',
          timestamp: TS,
          type: 'text',
          text: { body: 'x' },
        },
        { from: WA_ID, id: 'wamid.NOMEDIA', timestamp: TS, type: 'image', image: {} },
        'garbage',
      ],
      statuses: [{ status: 'read', timestamp: TS }],
    });
    const { events, skipped } = parseMetaWebhook(body);
    expect(events.map((e) => e.providerMessageId)).toEqual(['wamid.OK']);
    expect(skipped).toEqual([
      'entry[0].changes[0].value.messages[1]: id is missing',
      'entry[0].changes[0].value.messages[2]: text message without text.body',
      'entry[0].changes[0].value.messages[3]: timestamp is not unix seconds',
      'entry[0].changes[0].value.messages[4]: sender has a user_id but no wa_id',
      'entry[0].changes[0].value.messages[5]: image message without image.id',
      'entry[0].changes[0].value.messages[6]: not an object',
      'entry[0].changes[0].value.statuses[0]: id is missing',
    ]);
    expect(skipped.join()).not.toContain('no id');
  });

  it('never throws, whatever the body', () => {
    for (const body of [
      undefined,
      null,
      42,
      'x',
      [],
      {},
      { object: 'instagram', entry: [] },
      { object: 'whatsapp_business_account', entry: 'x' },
    ]) {
      expect(() => parseMetaWebhook(body)).not.toThrow();
      expect(parseMetaWebhook(body).events).toEqual([]);
    }
  });

  it('skips other webhook fields and changes without a phone number id', () => {
    expect(parseMetaWebhook(envelope({}, 'account_update')).skipped).toEqual([
      "entry[0].changes[0]: field 'account_update' is not handled",
    ]);
    expect(
      parseMetaWebhook({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'messages', value: {} }] }],
      }).skipped,
    ).toEqual(['entry[0].changes[0]: value.metadata.phone_number_id is missing']);
  });
});

describe('parseMetaWebhook: edits and revokes (Coexistence)', () => {
  it('reads an edit of a text and of a caption as a change of the original message', () => {
    const text = only(
      incoming({
        from: WA_ID,
        id: 'wamid.EDIT',
        timestamp: TS,
        type: 'edit',
        edit: { original_message_id: 'wamid.ORIG', message: { type: 'text', text: { body: 'b' } } },
      }),
    );
    expect(text).toEqual({
      kind: 'change',
      accountExternalId: PHONE_NUMBER_ID,
      providerMessageId: 'wamid.ORIG',
      change: { type: 'edited', text: 'b' },
      at: new Date(Number(TS) * 1000),
    });
    const caption = only(
      incoming({
        from: WA_ID,
        id: 'wamid.EDIT2',
        timestamp: TS,
        type: 'edit',
        edit: {
          original_message_id: 'wamid.ORIG',
          message: { type: 'image', image: { id: 'm', caption: 'c' } },
        },
      }),
    );
    expect(caption).toMatchObject({ change: { type: 'edited', text: 'c' } });
  });

  it('reads a revoke as a deletion of the original message', () => {
    expect(
      only(
        incoming({
          from: WA_ID,
          id: 'wamid.REV',
          timestamp: TS,
          type: 'revoke',
          revoke: { original_message_id: 'wamid.ORIG' },
        }),
      ),
    ).toMatchObject({
      kind: 'change',
      providerMessageId: 'wamid.ORIG',
      change: { type: 'deleted' },
    });
  });
});
