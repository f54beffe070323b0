import type { MessageChangeEvent } from '@app/messaging/inbound/normalized-event';
import { evolutionEventIdOf, parseEvolutionWebhook } from './evolution-webhook.parser';

const INSTANCE = 'store-main';
const DATE_TIME = '2031-07-13T10:11:10.284Z';
const envelope = (event: string, data: unknown) => ({
  event,
  instance: INSTANCE,
  data,
  date_time: DATE_TIME,
});
const key = { remoteJid: '5511900000000@s.whatsapp.net', fromMe: true, id: '3EB0TARGET' };
const edited = (type: unknown, extra: Record<string, unknown> = {}) =>
  envelope('messages.edited', { key, type, timestampMs: '1949416383123', ...extra });
const changeOf = (body: unknown) => {
  const parsed = parseEvolutionWebhook(body);
  expect(parsed.skipped).toEqual([]);
  expect(parsed.events).toHaveLength(1);
  return parsed.events[0] as MessageChangeEvent;
};

describe('parseEvolutionWebhook: edits and deletions', () => {
  it.each([
    ['conversation', { conversation: 'novo' }],
    ['extendedTextMessage', { extendedTextMessage: { text: 'novo' } }],
    ['an image caption', { imageMessage: { caption: 'novo' } }],
    ['a wrapped message', { message: { conversation: 'novo' } }],
  ])('reads an edit of %s with its edit time', (_, editedMessage) => {
    expect(changeOf(edited('MESSAGE_EDIT', { editedMessage }))).toEqual({
      kind: 'change',
      accountExternalId: INSTANCE,
      providerMessageId: '3EB0TARGET',
      change: { type: 'edited', text: 'novo' },
      at: new Date(1949416383123),
    });
  });

  it('reads numeric enum values and Long timestamps', () => {
    const long = { low: 1_000, high: 1, unsigned: false };
    const change = changeOf(
      edited(14, { editedMessage: { conversation: 'x' }, timestampMs: long }),
    );
    expect(change.at).toEqual(new Date(2 ** 32 + 1_000));
    expect(changeOf(edited(0)).change).toEqual({ type: 'deleted' });
  });

  it('takes a REVOKE protocolMessage as a deletion at the delivery time', () => {
    const change = changeOf(envelope('messages.edited', { key, type: 'REVOKE' }));
    expect(change.change).toEqual({ type: 'deleted' });
    expect(change.at).toEqual(new Date(DATE_TIME));
  });

  it('skips other protocol messages and edits without text', () => {
    expect(parseEvolutionWebhook(edited('EPHEMERAL_SETTING')).skipped).toEqual([
      "data: protocolMessage type 'EPHEMERAL_SETTING' is no change",
    ]);
    expect(parseEvolutionWebhook(edited('MESSAGE_EDIT', { editedMessage: {} })).skipped).toEqual([
      'data: editedMessage has no text or caption',
    ]);
  });

  it.each([
    ['the key', key],
    ['the stored message', { id: 'cm3xk2v0p0009', key, status: 'DELETED' }],
  ])('reads messages.delete with %s by the WhatsApp key id', (_, data) => {
    const change = changeOf(envelope('MESSAGES_DELETE', data));
    expect(change).toMatchObject({ providerMessageId: '3EB0TARGET', change: { type: 'deleted' } });
  });
});

describe('evolutionEventIdOf: edits and deletions', () => {
  it('tells two edits of one message apart by their time, and a deletion apart from them', () => {
    expect(evolutionEventIdOf(edited('MESSAGE_EDIT'))).toBe(
      'messages.edited:3EB0TARGET:MESSAGE_EDIT:1949416383123',
    );
    expect(evolutionEventIdOf(edited('MESSAGE_EDIT', { timestampMs: '1949416383999' }))).toBe(
      'messages.edited:3EB0TARGET:MESSAGE_EDIT:1949416383999',
    );
    expect(evolutionEventIdOf(envelope('messages.delete', key))).toBe('messages.delete:3EB0TARGET');
  });

  it('leaves an edit without a time to the body hash', () => {
    expect(
      evolutionEventIdOf(envelope('messages.edited', { key, type: 'REVOKE' })),
    ).toBeUndefined();
  });
});
