import type { MetaMessageBody } from './meta-message-body';

/** Keys under which Meta's message bodies carry a media object (`{ id }` or `{ link }`). */
const MEDIA_KEYS = new Set(['image', 'video', 'document', 'audio', 'sticker']);

/**
 * Every `link` Meta will fetch for this body: the message's own media, a template header's
 * media parameter, an interactive message's media header. Found by walking the whole body,
 * because templates and interactive objects are passed through as the caller gave them and a
 * link anywhere in them is fetched just the same.
 */
export function mediaLinksIn(body: MetaMessageBody): string[] {
  const links: string[] = [];
  const visit = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (key !== undefined && MEDIA_KEYS.has(key) && typeof record.link === 'string') {
      links.push(record.link);
    }
    for (const [name, child] of Object.entries(record)) visit(child, name);
  };
  visit(body);
  return links;
}
