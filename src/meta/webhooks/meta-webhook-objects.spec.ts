import {
  META_INSTAGRAM_INBOX_SOURCE,
  META_PAGE_INBOX_SOURCE,
  META_WHATSAPP_INBOX_SOURCE,
  entryIdsOf,
  metaEntryOwnerKinds,
  metaWebhookObjectOf,
  phoneNumberIdsOf,
} from './meta-webhook-objects';

const change = (phoneNumberId?: string) => ({
  field: 'messages',
  value: { metadata: phoneNumberId ? { phone_number_id: phoneNumberId } : {} },
});

describe('Meta webhook objects', () => {
  it('routes each consumed object to its own inbox source, WhatsApp keeping the old one', () => {
    expect(metaWebhookObjectOf({ object: 'whatsapp_business_account' })?.source).toBe(
      META_WHATSAPP_INBOX_SOURCE,
    );
    expect(META_WHATSAPP_INBOX_SOURCE).toBe('meta');
    expect(metaWebhookObjectOf({ object: 'instagram' })?.source).toBe(META_INSTAGRAM_INBOX_SOURCE);
    expect(metaWebhookObjectOf({ object: 'page' })?.source).toBe(META_PAGE_INBOX_SOURCE);
  });

  it.each([{ object: 'user' }, { object: 7 }, {}, null, 'instagram', { object: 'constructor' }])(
    'knows no object in %j',
    (payload) => {
      expect(metaWebhookObjectOf(payload)).toBeUndefined();
    },
  );

  it('lists each business number named by a WhatsApp delivery once', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: 'waba', changes: [change('1'), change('1')] },
        { changes: [change('2'), change(), 'junk'] },
        'junk',
      ],
    };
    expect(phoneNumberIdsOf(body)).toEqual(['1', '2']);
  });

  it('lists each entry id of an Instagram or Page delivery once', () => {
    const body = {
      object: 'instagram',
      entry: [{ id: 'a' }, { id: 'a' }, { id: '' }, {}, { id: 'b' }],
    };
    expect(entryIdsOf(body)).toEqual(['a', 'b']);
  });

  it('names the accounts that may own a delivery: Cloud API numbers and Instagram accounts', () => {
    expect(metaEntryOwnerKinds()).toEqual([
      { hub: 'whatsapp', provider: 'meta-cloud' },
      { hub: 'instagram', provider: undefined },
    ]);
  });
});
