/**
 * PHP's `http_build_query` bracket form, as Bitrix24 posts events (`data[MESSAGES][0][im][chat_id]=5`)
 * and accepts REST parameters. Written for the fake from PHP's documented behaviour, apart from
 * Omnihub's own parser, so the two check each other.
 */
export function toPhpForm(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        walk(prefix ? `${prefix}[${k}]` : k, child);
      }
      return;
    }
    const scalar =
      typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'string' ? v : `${v as number}`;
    pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(scalar)}`);
  };
  walk('', value);
  return pairs.join('&');
}

/** The reverse: numeric-keyed levels stay objects, as PHP arrays do (`{ '0': ... }`). */
export function fromPhpForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = value;
      else node = (node[segment] ??= {}) as Record<string, unknown>;
    });
  }
  return root;
}

/** PHP arrays arrive as objects keyed '0', '1'...: their values in order. */
export function listOf<T = Record<string, unknown>>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') return Object.values(value) as T[];
  return [];
}
