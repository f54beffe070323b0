import type { MediaLink } from '@app/messaging/media/signed-media';
import type { StoredMessage } from '@app/messaging/messages/message-lookup';

/**
 * The `message` fields an agent sees for a customer's message. A file its platform can hand
 * out again goes as a signed, expiring link Bitrix24 fetches (`files[]`), with its caption as
 * the text; anything else as text.
 */
export function lineMessage(
  message: StoredMessage,
  link: MediaLink | null,
): { text?: string; files?: { url: string; name: string }[] } {
  if (!link) return { text: lineText(message) };
  const caption = (message.content.media as { caption?: unknown } | undefined)?.caption;
  return {
    ...(typeof caption === 'string' && caption ? { text: caption } : {}),
    files: [{ url: link.url, name: link.name }],
  };
}

/** The text an agent sees for a message with no file link: media shows as kind and caption. */
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

/**
 * What agents read for a message the business sent outside the open line: marked as the
 * business's, its text (or its kind, caption and the link it was sent by).
 */
export function businessNote(message: StoredMessage): string {
  const content = message.content as Record<string, unknown>;
  const template = content.template as { name?: unknown } | undefined;
  const media = content.media as { url?: unknown } | undefined;
  const body =
    message.type === 'template' && typeof template?.name === 'string'
      ? `[template] ${template.name}`
      : lineText(message) + (typeof media?.url === 'string' ? ` ${media.url}` : '');
  return `[b]Sent by the business through Omnihub:[/b][br]${body}`;
}
