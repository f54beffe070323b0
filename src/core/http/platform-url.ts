import type { QueryValue } from './platform-call';

/**
 * `baseUrl` + `path` + `query` as one URL. The base may carry a path prefix (a proxy's
 * `/meta`, Graph's `/v21.0`), which is kept: `new URL(path, base)` would drop it. Ids taken
 * from data belong in `path` already escaped with encodeURIComponent.
 */
export function platformUrl(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, QueryValue>> = {},
): URL {
  const url = new URL(baseUrl);
  const suffix = path.replace(/^\/+/, '');
  // With no path the base is used exactly as given, trailing slash and query included: signed
  // download URLs a platform hands out (Meta's media URLs) break when rewritten.
  if (suffix) url.pathname = `${url.pathname.replace(/\/+$/, '')}/${suffix}`;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) url.searchParams.append(key, String(item));
  }
  return url;
}
