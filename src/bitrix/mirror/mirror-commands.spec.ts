import { mirrorCommands, PreparedItem } from './mirror-commands';
import type { MirrorChange } from './mirror-items.repository';

let sequence = 0;
const item = (conversationId: string, change: MirrorChange, lineId = '1'): PreparedItem => {
  sequence += 1;
  return {
    item: {
      id: `item-${sequence}`,
      change,
      tenantId: 't',
      portalId: 'p',
      lineId,
      conversationId,
      messageId: `m-${sequence}`,
    },
    entry: { n: sequence },
  };
};

const shape = (prepared: PreparedItem[]) =>
  mirrorCommands(prepared).map((c) => ({
    method: c.method,
    line: c.line,
    items: c.items.map((i) => i.id),
  }));

describe('mirrorCommands', () => {
  beforeEach(() => (sequence = 0));

  it('carries a burst of 100 messages to one line in 4 commands of 25', () => {
    const burst = Array.from({ length: 100 }, (_, i) => item(`c${i % 7}`, 'send'));
    const commands = mirrorCommands(burst);
    expect(commands.map((c) => c.method)).toEqual(Array(4).fill('imconnector.send.messages'));
    expect(commands.map((c) => c.entries.length)).toEqual([25, 25, 25, 25]);
    expect(commands.flatMap((c) => c.items)).toEqual(burst.map((p) => p.item));
  });

  it("keeps each chat's order while merging chats into shared commands", () => {
    const a1 = item('a', 'send');
    const b1 = item('b', 'send');
    const a2 = item('a', 'outbound');
    const b2 = item('b', 'send');
    const a3 = item('a', 'send');
    const a4 = item('a', 'edit');
    expect(shape([a1, b1, a2, b2, a3, a4])).toEqual([
      { method: 'imconnector.send.messages', line: '1', items: ['item-1', 'item-2', 'item-4'] },
      { method: 'im.message.add', line: '1', items: ['item-3'] },
      { method: 'imconnector.send.messages', line: '1', items: ['item-5'] },
      { method: 'imconnector.update.messages', line: '1', items: ['item-6'] },
    ]);
  });

  it('posts each business message in a command of its own, and lines apart', () => {
    expect(
      shape([
        item('a', 'outbound'),
        item('b', 'outbound'),
        item('c', 'send', '2'),
        item('d', 'send', '1'),
      ]),
    ).toEqual([
      { method: 'im.message.add', line: '1', items: ['item-1'] },
      { method: 'im.message.add', line: '1', items: ['item-2'] },
      { method: 'imconnector.send.messages', line: '2', items: ['item-3'] },
      { method: 'imconnector.send.messages', line: '1', items: ['item-4'] },
    ]);
  });
});
