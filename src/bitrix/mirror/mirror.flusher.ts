import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { SignedMedia } from '@app/messaging/media/signed-media';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { BitrixRestClient, MAX_BATCH_COMMANDS } from '../rest/bitrix-rest.client';
import { BitrixChat, BitrixChatsRepository } from './bitrix-chats.repository';
import { ChatPerson, CrmContacts } from './crm-contacts';
import { lineMessage } from './mirror-message';
import { MirrorChange, MirrorItem, MirrorItemsRepository } from './mirror-items.repository';
import { MirrorQueue } from './mirror.queue';

/** Messages per imconnector.send.messages command, and per flush round (one `batch`). */
const MESSAGES_PER_COMMAND = 25;
const ITEMS_PER_ROUND = 200;
const LOCK_MS = 60_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

const METHODS: Record<MirrorChange, string> = {
  send: 'imconnector.send.messages',
  edit: 'imconnector.update.messages',
  delete: 'imconnector.delete.messages',
};
const CHANGE_ORDER: readonly MirrorChange[] = ['send', 'edit', 'delete'];

interface Command {
  key: string;
  method: string;
  line: string;
  items: MirrorItem[];
  entries: unknown[];
}

export type FlushDecision = { kind: 'done' } | { kind: 'delay'; ms: number };

/**
 * Sends a portal's unsent customer messages to its open lines: one `batch` per flush, each of
 * its commands an imconnector.send.messages carrying up to 25 messages of one line, our message
 * id as the external message id. One flush per portal at a time (a Redis lock), so CRM
 * contacts are created once and messages keep their order; portals never wait for each other.
 */
@Injectable()
export class MirrorFlusher {
  private readonly lockPrefix: string;

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
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.lockPrefix = `${config.redis.prefix}:bitrix:flush:`;
  }

  async flush(portalId: string): Promise<FlushDecision> {
    const key = this.lockPrefix + portalId;
    const owner = randomUUID();
    if ((await this.redis.set(key, owner, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      return { kind: 'delay', ms: 250 };
    }
    try {
      const maxAttempts = this.config.bitrix.mirrorMaxAttempts;
      const pending = await this.items.pending(portalId, ITEMS_PER_ROUND, maxAttempts);
      if (!pending.length) return { kind: 'done' };
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
      await this.redis.eval(RELEASE, 1, key, owner);
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

    const groups = new Map<string, { item: MirrorItem; entry: Record<string, unknown> }[]>();
    const skipped: { id: string; bitrixMessageId: null }[] = [];
    for (const item of pending) {
      const person = people.get(item.conversationId);
      const message = person
        ? await this.messages.find(item.tenantId, item.messageId, person.provider)
        : null;
      if (!person || !message) {
        skipped.push({ id: item.id, bitrixMessageId: null });
        continue;
      }
      const entry =
        item.change === 'delete'
          ? idsOf(person, message.id)
          : entryOf(
              person,
              message.id,
              lineMessage(message, this.media.linkOf(person.hub, message)),
            );
      const key = `${item.change}|${item.lineId}`;
      groups.set(key, [...(groups.get(key) ?? []), { item, entry }]);
    }
    await this.items.markSent(skipped);

    // Messages first, then edits, then deletions: a batch runs its commands in order, so a
    // message and its edit in one flush reach the line in that order.
    const commands: Command[] = [];
    for (const change of CHANGE_ORDER) {
      for (const [key, entries] of groups) {
        const [kind, line] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
        if (kind !== change) continue;
        for (let i = 0; i < entries.length; i += MESSAGES_PER_COMMAND) {
          const chunk = entries.slice(i, i + MESSAGES_PER_COMMAND);
          commands.push({
            key: `m${commands.length}`,
            method: METHODS[change],
            line,
            items: chunk.map((c) => c.item),
            entries: chunk.map((c) => c.entry),
          });
        }
      }
    }
    let retryInMs: number | undefined;
    for (let i = 0; i < commands.length; i += MAX_BATCH_COMMANDS) {
      const wait = await this.send(portalId, commands.slice(i, i + MAX_BATCH_COMMANDS), chats);
      if (wait !== undefined) retryInMs = Math.min(retryInMs ?? wait, wait);
    }
    return retryInMs;
  }

  private async send(
    portalId: string,
    commands: Command[],
    chats: Map<string, BitrixChat>,
  ): Promise<number | undefined> {
    let retryInMs: number | undefined;
    const answer = await this.rest.batch(
      portalId,
      Object.fromEntries(
        commands.map((c) => [
          c.key,
          {
            method: c.method,
            params: {
              CONNECTOR: this.config.bitrix.connectorId,
              LINE: c.line,
              MESSAGES: c.entries,
            },
          },
        ]),
      ),
    );
    for (const command of commands) {
      const error = answer.errors[command.key];
      if (error) {
        const wait = await this.items.markFailed(
          command.items.map((i) => i.id),
          [error.error, error.error_description].filter(Boolean).join(': ') || 'error',
        );
        retryInMs = Math.min(retryInMs ?? wait, wait);
        continue;
      }
      // Only a posted message answers with the Bitrix chat and message it became.
      const results = command.method === METHODS.send ? resultsOf(answer.result[command.key]) : [];
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

  private async peopleOf(
    chats: BitrixChat[],
  ): Promise<Map<string, ChatPerson & { provider: string }>> {
    const people = new Map<string, ChatPerson & { provider: string }>();
    for (const chat of chats) {
      const account = await this.accounts
        .get(chat.tenantId, chat.channelAccountId)
        .catch(() => null);
      if (!account) continue;
      const profile = (await this.contacts.profileOf(chat.tenantId, chat.contactId)) ?? {};
      people.set(chat.conversationId, {
        chat,
        profile,
        hub: account.hub,
        provider: account.provider,
      });
    }
    return people;
  }
}

function entryOf(
  person: ChatPerson,
  messageId: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const { chat, profile } = person;
  return {
    user: {
      id: chat.contactId,
      name: profile.name ?? chat.recipient,
      ...(profile.phone ? { phone: profile.phone, skip_phone_validate: 'Y' } : {}),
    },
    message: { id: messageId, date: Math.floor(Date.now() / 1000), ...body },
    chat: { id: chat.conversationId },
  };
}

/** What imconnector.delete.messages needs: whose message, which, in which chat. */
function idsOf(person: ChatPerson, messageId: string): Record<string, unknown> {
  return {
    user: { id: person.chat.contactId },
    message: { id: messageId },
    chat: { id: person.chat.conversationId },
  };
}

/** DATA.RESULT[i] of imconnector.send.messages: the Bitrix chat and message of each message. */
function resultsOf(result: unknown): ({ chatId?: string; messageId?: string } | undefined)[] {
  const data = (result as { DATA?: { RESULT?: unknown } } | undefined)?.DATA?.RESULT;
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object'
      ? Object.values(data)
      : [];
  return list.map((entry) => {
    const e = entry as { chat?: { id?: unknown }; message?: unknown[] } | undefined;
    const chatId = e?.chat?.id;
    const messageId = Array.isArray(e?.message) ? e?.message[0] : undefined;
    return {
      chatId: scalar(chatId),
      messageId: scalar(messageId),
    };
  });
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
