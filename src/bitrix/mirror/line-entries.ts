import type { ChatPerson } from './crm-contacts';

/** A MESSAGES entry of imconnector.send/update.messages: who wrote, which message, which chat. */
export function entryOf(
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
export function idsOf(person: ChatPerson, messageId: string): Record<string, unknown> {
  return {
    user: { id: person.chat.contactId },
    message: { id: messageId },
    chat: { id: person.chat.conversationId },
  };
}

/** DATA.RESULT[i] of imconnector.send.messages: the Bitrix chat and message of each message. */
export function resultsOf(
  result: unknown,
): ({ chatId?: string; messageId?: string } | undefined)[] {
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

export function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
