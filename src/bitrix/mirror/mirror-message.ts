import type { StoredMessage } from '@app/messaging/messages/message-lookup';

/**
 * The text an agent sees for a customer's message. Bitrix24 takes text and file links; until
 * Omnihub serves customers' media by signed link, media shows as its kind and caption.
 */
export function lineText(message: StoredMessage): string {
  const content = message.content as Record<string, unknown>;
  if (typeof content.text === 'string' && content.text) return content.text;
  const media = content.media as { caption?: unknown; filename?: unknown } | undefined;
  const caption = typeof media?.caption === 'string' ? ` ${media.caption}` : '';
  const name = typeof media?.filename === 'string' ? ` ${media.filename}` : '';
  switch (message.type) {
    case 'location': {
      const { latitude, longitude } = content as { latitude?: number; longitude?: number };
      return `[location] https://maps.google.com/?q=${latitude},${longitude}`;
    }
    case 'reaction':
      return `[reaction] ${typeof content.emoji === 'string' ? content.emoji : '(removed)'}`;
    case 'button_reply':
    case 'interactive_reply':
      return typeof content.title === 'string'
        ? content.title
        : typeof content.text === 'string'
          ? content.text
          : `[${message.type}]`;
    default:
      return `[${message.type}]${name}${caption}`;
  }
}
