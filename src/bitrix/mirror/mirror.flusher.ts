import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import type { HubName } from '@core/channel/hub-name';
import { RedisLocks } from '@core/redis/redis-locks';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { SignedMedia } from '@app/messaging/media/signed-media';
import { MessageLookup, type StoredMessage } from '@app/messaging/messages/message-lookup';
import { BitrixRestClient, MAX_BATCH_COMMANDS } from '../rest/bitrix-rest.client';
import { BitrixChat, BitrixChatsRepository } from './bitrix-chats.repository';
import { ChatPerson, CrmContacts } from './crm-contacts';
import {
  isConnectorMethod,
  MirrorCommand,
  mirrorCommands,
  postsMessages,
  PreparedItem,
} from './mirror-commands';
import { entryOf, idsOf, resultsOf, scalar } from './line-entries';
import { businessNote, lineMessage } from './mirror-message';
import { MirrorItem, MirrorItemsRepository } from './mirror-items.repository';
import { MirrorQueue } from './mirror.queue';

/** Accounts whose hub and provider are remembered (a bound on memory). */
const MAX_REMEMBERED_ACCOUNTS = 10_000;
/** Items per flush round. */
const ITEMS_PER_ROUND = 200;
const LOCK_MS = 60_000;

export type FlushDecision = { kind: 'done' } | { kind: 'delay'; ms: number };

/** A pending item with what it posts. */
interface Ready {
  item: MirrorItem;
  person: ChatPerson & { provider: string };
  message: StoredMessage;
}

/**
 * Sends a portal's unsent items to its open lines: one `batch` per flush, its commands
 * imconnector.send.messages carrying up to 25 customer messages of one line (our message id as
 * the external message id), their edits and deletions, and im.message.add system messages for
 * what the business sent outside the line (see mirrorCommands for their order). One flush per portal at a time (a Redis lock), so CRM
 * contacts are created once and messages keep their order; portals never wait for each other.
 */
@Injectable()
export class MirrorFlusher {
  private readonly lockPrefix: string;
  private readonly accountKinds = new Map<string, { hub: HubName; provider: string }>();

  constructor(
    private readonly items: MirrorItemsRepository,
    private readonly chats: BitrixChatsRepository,
    private readonly crm: CrmContacts,
    private readonly rest: BitrixRestClient,
    private readonly accounts: ChannelAccountsService,
    private readonly contacts: ContactsService,
    private readonly messages: MessageLookup,
    private readonly media: SignedMedia,
    private readonly queue: MirrorQueue,
    private readonly config: AppConfig,
    private readonly locks: RedisLocks,
  ) {
    this.lockPrefix = `${config.redis.prefix}:bitrix:flush:`;
  }

  async flush(portalId: string): Promise<FlushDecision> {
    // Too soon after the last flush: wait, before costing a lock and a query.
    const early = await this.queue.waitMs(portalId);
    if (early > 0) return { kind: 'delay', ms: early };
    const key = this.lockPrefix + portalId;
    const owner = await this.locks.tryAcquire(key, LOCK_MS);
    if (!owner) {
      return { kind: 'delay', ms: 250 };
    }
    try {
      const maxAttempts = this.config.bitrix.mirrorMaxAttempts;
      const pending = await this.items.pending(portalId, ITEMS_PER_ROUND, maxAttempts);
      if (!pending.length) return { kind: 'done' };
      // Another flush may have sent between the first look and the lock.
      const wait = await this.queue.waitMs(portalId);
      if (wait > 0) return { kind: 'delay', ms: wait };
      await this.queue.flushed(portalId);
      const retryInMs = await this.round(portalId, pending);
      // Refused items try again when their back-off ends, unless that was their last attempt.
      if (retryInMs !== undefined) await this.queue.scheduleIn(portalId, retryInMs);
      // More than a round's worth waiting: the next flush keeps the portal's pace.
      if (pending.length === ITEMS_PER_ROUND) await this.queue.schedule(portalId);
      return { kind: 'done' };
    } finally {
      await this.locks.release(key, owner);
    }
  }

  /** Sends what it can; the ms until a refused item is due again, undefined when none was. */
  private async round(portalId: string, pending: MirrorItem[]): Promise<number | undefined> {
    const conversations = [...new Set(pending.map((i) => i.conversationId))];
    const chats = new Map(
      (await this.chats.byConversations(portalId, conversations)).map((c) => [c.conversationId, c]),
    );
    const people = await this.peopleOf([...chats.values()]);
    await this.crm.ensure(portalId, [...people.values()]);

    // The business's message goes into the chat Bitrix24 opened for the customer: in a new
    // chat it waits, with everything after it in that chat, for the customer's first message
    // of this round to be posted and name the chat.
    const now: Ready[] = [];
    const later: Ready[] = [];
    const skipped: { id: string; bitrixMessageId: null }[] = [];
    const waiting = new Set<string>();
    const found = await this.messagesOf(pending);
    for (const item of pending) {
      const person = people.get(item.conversationId);
      const message = found.get(item.messageId);
      if (!person || !message || message.provider !== person.provider) {
        skipped.push({ id: item.id, bitrixMessageId: null });
        continue;
      }
      const ready = { item, person, message };
      if (waiting.has(item.conversationId)) later.push(ready);
      else if (item.change === 'outbound' && !person.chat.bitrixChatId) {
        waiting.add(item.conversationId);
        later.push(ready);
      } else now.push(ready);
    }
    await this.items.markSent(skipped);

    let retryInMs = await this.post(portalId, this.prepare(now), chats);
    if (later.length) {
      const unopened = later.filter(
        (r) => r.item.change === 'outbound' && !r.person.chat.bitrixChatId,
      );
      if (unopened.length) {
        const wait = await this.items.markFailed(
          unopened.map((r) => r.item.id),
          'BITRIX.CHAT_NOT_OPEN: no customer message opened a chat on the line yet',
        );
        retryInMs = Math.min(retryInMs ?? wait, wait);
      }
      const wait = await this.post(
        portalId,
        this.prepare(later.filter((r) => !unopened.includes(r))),
        chats,
      );
      if (wait !== undefined) retryInMs = Math.min(retryInMs ?? wait, wait);
    }
    return retryInMs;
  }

  private prepare(ready: Ready[]): PreparedItem[] {
    return ready.map(({ item, person, message }) => ({
      item,
      entry:
        item.change === 'outbound'
          ? {
              DIALOG_ID: `chat${person.chat.bitrixChatId}`,
              MESSAGE: businessNote(message),
              SYSTEM: 'Y',
              URL_PREVIEW: 'N',
            }
          : item.change === 'delete'
            ? idsOf(person, message.id)
            : entryOf(
                person,
                message.id,
                lineMessage(message, this.media.linkOf(person.hub, message)),
              ),
    }));
  }

  /** Posts the items in as few `batch` requests as they fit; as `round`. */
  private async post(
    portalId: string,
    prepared: PreparedItem[],
    chats: Map<string, BitrixChat>,
  ): Promise<number | undefined> {
    const commands = mirrorCommands(prepared);
    let retryInMs: number | undefined;
    for (let i = 0; i < commands.length; i += MAX_BATCH_COMMANDS) {
      const wait = await this.send(portalId, commands.slice(i, i + MAX_BATCH_COMMANDS), chats);
      if (wait !== undefined) retryInMs = Math.min(retryInMs ?? wait, wait);
    }
    return retryInMs;
  }

  private async send(
    portalId: string,
    commands: MirrorCommand[],
    chats: Map<string, BitrixChat>,
  ): Promise<number | undefined> {
    let retryInMs: number | undefined;
    const keyOf = (i: number) => `m${i}`;
    const answer = await this.rest.batch(
      portalId,
      Object.fromEntries(
        commands.map((c, i) => [
          keyOf(i),
          {
            method: c.method,
            params: isConnectorMethod(c)
              ? { CONNECTOR: this.config.bitrix.connectorId, LINE: c.line, MESSAGES: c.entries }
              : c.entries[0],
          },
        ]),
      ),
    );
    for (const [index, command] of commands.entries()) {
      const error = answer.errors[keyOf(index)];
      if (error) {
        const wait = await this.items.markFailed(
          command.items.map((i) => i.id),
          [error.error, error.error_description].filter(Boolean).join(': ') || 'error',
        );
        retryInMs = Math.min(retryInMs ?? wait, wait);
        continue;
      }
      const result = answer.result[keyOf(index)];
      // A posted message answers with the Bitrix chat and message it became; a note with its id.
      const results = postsMessages(command)
        ? resultsOf(result)
        : isConnectorMethod(command)
          ? []
          : [{ messageId: scalar(result) }];
      await this.items.markSent(
        command.items.map((item, i) => ({
          id: item.id,
          bitrixMessageId: results[i]?.messageId ?? null,
        })),
      );
      for (const [i, item] of command.items.entries()) {
        const chat = chats.get(item.conversationId);
        const bitrixChatId = results[i]?.chatId;
        if (chat && bitrixChatId && chat.bitrixChatId !== bitrixChatId) {
          await this.chats.setBitrixChat(chat.id, bitrixChatId);
          chat.bitrixChatId = bitrixChatId;
        }
      }
    }
    return retryInMs;
  }

  /** The items' messages, one query per tenant (a portal has one). */
  private async messagesOf(items: MirrorItem[]): Promise<Map<string, StoredMessage>> {
    const byTenant = new Map<string, string[]>();
    for (const item of items) {
      byTenant.set(item.tenantId, [...(byTenant.get(item.tenantId) ?? []), item.messageId]);
    }
    const found = new Map<string, StoredMessage>();
    for (const [tenantId, ids] of byTenant) {
      for (const message of await this.messages.findMany(tenantId, ids)) {
        found.set(message.id, message);
      }
    }
    return found;
  }

  private async peopleOf(
    chats: BitrixChat[],
  ): Promise<Map<string, ChatPerson & { provider: string }>> {
    const people = await Promise.all(
      chats.map(async (chat) => {
        const account = await this.accountOf(chat.tenantId, chat.channelAccountId);
        if (!account) return null;
        const profile = (await this.contacts.profileOf(chat.tenantId, chat.contactId)) ?? {};
        return { chat, profile, ...account };
      }),
    );
    return new Map(people.filter((p) => p !== null).map((p) => [p.chat.conversationId, p]));
  }

  /** An account's hub and provider, which never change: read once per process. */
  private async accountOf(
    tenantId: string,
    accountId: string,
  ): Promise<{ hub: HubName; provider: string } | null> {
    const known = this.accountKinds.get(accountId);
    if (known) return known;
    const account = await this.accounts.get(tenantId, accountId).catch(() => null);
    if (!account) return null;
    const kind = { hub: account.hub, provider: account.provider };
    if (this.accountKinds.size > MAX_REMEMBERED_ACCOUNTS) this.accountKinds.clear();
    this.accountKinds.set(accountId, kind);
    return kind;
  }
}
