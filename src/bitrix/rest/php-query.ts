/**
 * PHP's `http_build_query` (bracket keys, RFC 3986 escaping): how a `batch` command carries its
 * parameters (`imconnector.send.messages?CONNECTOR=x&MESSAGES[0][message][text]=hi`).
 */
export function phpQuery(params: Readonly<Record<string, unknown>>): string {
  const pairs: string[] = [];
  const walk = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      for (const [child, nested] of Object.entries(value as Record<string, unknown>)) {
        walk(key ? `${key}[${child}]` : child, nested);
      }
      return;
    }
    const scalar =
      typeof value === 'boolean'
        ? value
          ? '1'
          : '0'
        : typeof value === 'string'
          ? value
          : `${value as number}`;
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(scalar)}`);
  };
  walk('', params);
  return pairs.join('&');
}
