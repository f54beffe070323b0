import { StatusTimestamps, statusHistory } from './status-history';

const at = (second: number) => new Date(Date.UTC(2031, 6, 13, 10, 0, second));

const outbound = (overrides: Partial<StatusTimestamps>): StatusTimestamps => ({
  direction: 'outbound',
  status: 'queued',
  platformTimestamp: null,
  createdAt: at(0),
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  failedAt: null,
  ...overrides,
});

describe('statusHistory', () => {
  it('shows an inbound message as received when it was stored', () => {
    expect(
      statusHistory(
        outbound({ direction: 'inbound', status: 'received', platformTimestamp: at(0) }),
      ),
    ).toEqual([{ status: 'received', at: at(0) }]);
  });

  it('lists an outbound message from queued to read in lifecycle order', () => {
    const history = statusHistory(
      outbound({ status: 'read', sentAt: at(1), deliveredAt: at(2), readAt: at(3) }),
    );
    expect(history).toEqual([
      { status: 'queued', at: at(0) },
      { status: 'sent', at: at(1) },
      { status: 'delivered', at: at(2) },
      { status: 'read', at: at(3) },
    ]);
  });

  it('keeps lifecycle order when the platform clock puts delivered before sent', () => {
    const history = statusHistory(
      outbound({ status: 'delivered', sentAt: at(5), deliveredAt: at(4) }),
    );
    expect(history.map((entry) => entry.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('ends with failed when the send failed', () => {
    const history = statusHistory(outbound({ status: 'failed', failedAt: at(2) }));
    expect(history).toEqual([
      { status: 'queued', at: at(0) },
      { status: 'failed', at: at(2) },
    ]);
  });

  it('leaves out a failure reported after the message was read', () => {
    const history = statusHistory(
      outbound({ status: 'read', sentAt: at(1), readAt: at(2), failedAt: at(3) }),
    );
    expect(history.map((entry) => entry.status)).toEqual(['queued', 'sent', 'read']);
  });

  it('has no queued step for a message sent from another client of the business', () => {
    const history = statusHistory(
      outbound({ status: 'sent', platformTimestamp: at(0), sentAt: at(0) }),
    );
    expect(history).toEqual([{ status: 'sent', at: at(0) }]);
  });
});
