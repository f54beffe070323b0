import type { FakeLineMessage } from './bitrix24-methods';
import { toPhpForm } from './php-form';

/**
 * Events as Bitrix24 posts them to a bound handler: `application/x-www-form-urlencoded`, PHP
 * bracket keys, `event`, `data[...]`, `ts` and `auth[...]` (application_token included).
 */
export function eventForm(
  event: string,
  data: Record<string, unknown>,
  auth: Record<string, string>,
): string {
  return toPhpForm({ event, event_handler_id: '7', data, ts: Math.floor(Date.now() / 1000), auth });
}

export function installEvent(auth: Record<string, string>): string {
  return eventForm(
    'ONAPPINSTALL',
    { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' },
    auth,
  );
}

/** A file an agent attached, as Bitrix24 describes it in `message[files][n]`. */
export interface AgentFile {
  name: string;
  link: string;
  /** Bitrix24's kind: image, video, audio or file. */
  type?: 'image' | 'video' | 'audio' | 'file';
  mime?: string;
  size?: number;
}

/**
 * An agent's answer in the open-line chat of `lineMessage`'s customer. Files carry what
 * Bitrix24 posts for each (`id`, `type`, `mime`, `name`, `size`, `link`: a URL on the portal
 * the connector's side fetches the file from).
 */
export function agentMessageEvent(
  lineMessage: Pick<FakeLineMessage, 'connector' | 'line' | 'chatId' | 'externalChatId'>,
  message: { imMessageId: number; text?: string; files?: AgentFile[] },
  auth: Record<string, string>,
): string {
  return eventForm(
    'ONIMCONNECTORMESSAGEADD',
    {
      CONNECTOR: lineMessage.connector,
      LINE: lineMessage.line,
      MESSAGES: [
        {
          im: { chat_id: lineMessage.chatId, message_id: message.imMessageId },
          message: {
            user_id: 1,
            text: message.text ?? '',
            files: (message.files ?? []).map((f, i) => ({
              id: message.imMessageId * 10 + i,
              type: f.type ?? 'file',
              mime: f.mime ?? 'application/octet-stream',
              name: f.name,
              size: f.size ?? 1024,
              link: f.link,
            })),
          },
          chat: { id: lineMessage.externalChatId },
        },
      ],
    },
    auth,
  );
}
