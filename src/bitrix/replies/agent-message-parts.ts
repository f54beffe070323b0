import type { RequestedContent } from '@app/messaging/outbound/send-message.command';
import { listOf, stringField } from '../webhooks/bitrix-event';

/** Bitrix24's kind of an agent's file → the message type that carries it. */
const TYPES: Record<string, 'image' | 'video' | 'audio' | 'document'> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
};

/**
 * What the customer receives for one agent message, in order: its text, then each file as
 * media by the link Bitrix24 gives in the event (`message[files][n]{link,name,type}`), which
 * the customer's platform fetches itself. The text goes on its own rather than as a caption,
 * because not every channel or kind of file takes one.
 */
export function agentMessageParts(message: Record<string, unknown>): RequestedContent[] {
  const parts: RequestedContent[] = [];
  const text = bbToPlain(stringField(message, 'text') ?? '');
  if (text) parts.push({ type: 'text', text: { body: text } });
  for (const file of listOf(message.files)) {
    const link = stringField(file, 'link');
    if (!link) continue;
    const name = stringField(file, 'name');
    const type = TYPES[stringField(file, 'type') ?? ''] ?? 'document';
    parts.push({
      type,
      media: { url: link, ...(type === 'document' && name ? { filename: name } : {}) },
    });
  }
  return parts;
}

/** Bitrix24 marks up agents' text with BB codes; customers' apps show plain text. */
export function bbToPlain(text: string): string {
  return text
    .replace(/\[br\]/gi, '\n')
    .replace(/\[(\/?)(b|i|u|s|quote|code)\]/gi, '')
    .replace(/\[url=([^\]]+)\]([^[]*)\[\/url\]/gi, '$2 ($1)')
    .trim();
}
