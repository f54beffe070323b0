/** A UTF-16 surrogate without its partner. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const isUnstorable = (text: string) => text.includes('\u0000') || UNPAIRED_SURROGATE.test(text);

/** `text` with U+0000 and unpaired surrogates replaced by U+FFFD, for data kept as received. */
export function storableText(text: string): string {
  return isUnstorable(text)
    ? text.replaceAll('\u0000', '\uFFFD').replace(new RegExp(UNPAIRED_SURROGATE, 'g'), '\uFFFD')
    : text;
}

/**
 * The path (`text.body`, `items[2]`) of the first string in `value`, key or value, that
 * PostgreSQL cannot take: U+0000 (text and jsonb refuse it) or an unpaired surrogate (jsonb
 * refuses its `\ud83d` escape). `path` names `value` itself. Undefined when all is storable.
 */
export function firstUnstorableText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstUnstorableText(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (isUnstorable(key)) return itemPath;
    const found = firstUnstorableText(item, itemPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
