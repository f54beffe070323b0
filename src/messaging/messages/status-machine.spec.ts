import { nextStatus, OutboundStatus } from './status-machine';

describe('outbound status machine', () => {
  it.each<[OutboundStatus, OutboundStatus, OutboundStatus]>([
    ['queued', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'read', 'read'],
    ['queued', 'read', 'read'],
    ['read', 'sent', 'read'],
    ['read', 'delivered', 'read'],
    ['delivered', 'sent', 'delivered'],
    ['sent', 'sent', 'sent'],
    ['sent', 'failed', 'failed'],
    ['queued', 'failed', 'failed'],
    ['failed', 'sent', 'failed'],
    ['failed', 'read', 'failed'],
    ['read', 'failed', 'read'],
    ['unknown', 'sent', 'sent'],
    ['unknown', 'delivered', 'delivered'],
    ['sending', 'read', 'read'],
    ['unknown', 'failed', 'failed'],
    ['sent', 'unknown', 'sent'],
  ])('%s + %s → %s', (current, update, expected) => {
    expect(nextStatus(current, update)).toBe(expected);
  });

  it('ends in the same status whatever order a set of updates arrives in', () => {
    const updates: OutboundStatus[] = ['sent', 'delivered', 'read'];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ];
    for (const order of orders) {
      const final = order.reduce<OutboundStatus>(
        (status, i) => nextStatus(status, updates[i]),
        'queued',
      );
      expect(final).toBe('read');
    }
  });
});
