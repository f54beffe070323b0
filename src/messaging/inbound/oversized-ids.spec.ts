import type { InboundMessageEvent, StatusUpdateEvent } from './normalized-event';
import { MAX_STORED_ID_LENGTH, oversizedIdOf } from './oversized-ids';

const message = (ids: { id?: string; address?: string; phone?: string }): InboundMessageEvent => ({
  kind: 'message',
  accountExternalId: 'pn-1',
  providerMessageId: ids.id ?? 'wamid.HBgM',
  from: { address: ids.address ?? '5511999999999', addressType: 'wa_id', phone: ids.phone },
  sentAt: new Date(0),
  content: { type: 'text', text: 'x'.repeat(10_000) },
});

const status = (id: string): StatusUpdateEvent => ({
  kind: 'status',
  accountExternalId: 'pn-1',
  providerMessageId: id,
  status: 'read',
  at: new Date(0),
});

describe('oversizedIdOf', () => {
  const long = 'x'.repeat(MAX_STORED_ID_LENGTH + 1);
  const longest = 'x'.repeat(MAX_STORED_ID_LENGTH);

  it('passes ids up to the limit, whatever the length of the content', () => {
    expect(oversizedIdOf(message({ id: longest, address: longest, phone: longest }))).toBe(
      undefined,
    );
    expect(oversizedIdOf(status(longest))).toBe(undefined);
  });

  it('names the first stored id over the limit', () => {
    expect(oversizedIdOf(message({ id: long }))).toBe('providerMessageId');
    expect(oversizedIdOf(message({ address: long }))).toBe('from.address');
    expect(oversizedIdOf(message({ phone: long }))).toBe('from.phone');
    expect(oversizedIdOf(status(long))).toBe('providerMessageId');
  });
});
