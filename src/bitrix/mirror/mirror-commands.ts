import type { MirrorChange, MirrorItem } from './mirror-items.repository';

/** Messages per imconnector.send.messages (or update/delete) command. */
export const MESSAGES_PER_COMMAND = 25;

const METHODS: Record<MirrorChange, string> = {
  send: 'imconnector.send.messages',
  edit: 'imconnector.update.messages',
  delete: 'imconnector.delete.messages',
  outbound: 'im.message.add',
};

/** One item ready to post: for 'outbound' the im.message.add parameters, else a MESSAGES entry. */
export interface PreparedItem {
  item: MirrorItem;
  entry: Record<string, unknown>;
}

export interface MirrorCommand {
  method: string;
  /** The open line (imconnector methods) the command posts to. */
  line: string;
  items: MirrorItem[];
  entries: Record<string, unknown>[];
}

export const isConnectorMethod = (command: MirrorCommand): boolean =>
  command.method.startsWith('imconnector.');

export const postsMessages = (command: MirrorCommand): boolean => command.method === METHODS.send;

/**
 * The fewest commands that keep every chat's order. A batch runs its commands in order, and
 * only a chat's own order matters (a customer's message before their edit of it, before the
 * business's answer, before their next message): so each item gets a layer, its chat's count
 * of changes of kind so far, and items of the same layer, kind and line share a command
 * whatever their chat. A burst of messages to one line is one layer: 100 messages, 4 commands.
 * im.message.add posts one message per command.
 */
export function mirrorCommands(prepared: readonly PreparedItem[]): MirrorCommand[] {
  const lastOf = new Map<string, { layer: number; change: MirrorChange }>();
  const groups = new Map<string, { layer: number; change: MirrorChange; batch: PreparedItem[] }>();
  for (const p of prepared) {
    const { conversationId, change, lineId } = p.item;
    const last = lastOf.get(conversationId);
    const layer = !last ? 0 : last.change === change ? last.layer : last.layer + 1;
    lastOf.set(conversationId, { layer, change });
    const key = `${layer}|${change}|${lineId}`;
    const group = groups.get(key) ?? { layer, change, batch: [] };
    group.batch.push(p);
    groups.set(key, group);
  }
  const commands: MirrorCommand[] = [];
  for (const { change, batch } of [...groups.values()].sort((a, b) => a.layer - b.layer)) {
    const size = change === 'outbound' ? 1 : MESSAGES_PER_COMMAND;
    for (let i = 0; i < batch.length; i += size) {
      const chunk = batch.slice(i, i + size);
      commands.push({
        method: METHODS[change],
        line: chunk[0].item.lineId,
        items: chunk.map((c) => c.item),
        entries: chunk.map((c) => c.entry),
      });
    }
  }
  return commands;
}
