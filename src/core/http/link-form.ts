import { isIP } from 'node:net';
import { refusedRangeOf } from './refused-addresses';

/**
 * Names that only ever mean "inside this network": localhost (RFC 6761), mDNS and Kubernetes
 * `.local`, the private-use `.internal` (where cloud metadata lives: metadata.google.internal)
 * and reverse-DNS `.arpa`. A single-label name (`metadata`, `evolution-api`, `redis`) is a
 * neighbour found through the resolver's search domains: refused as well.
 */
const INTERNAL_SUFFIXES = ['localhost', 'local', 'internal', 'arpa'];

/**
 * Characters that different URL parsers read differently (`https://a.com\@10.0.0.1/`): the
 * backslash, whitespace and control characters (code points below 0x20, and 0x7f).
 */
function hasAmbiguousCharacters(raw: string): boolean {
  return /[\\\s]/.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f');
}

/** A link whose form is acceptable: parsed, with its host lower-cased and unbracketed. */
export interface LinkForm {
  url: URL;
  /** Host name without a trailing dot, or an IP literal without brackets. */
  host: string;
}

/**
 * Checks what can be known about a link a platform will fetch without resolving it: HTTPS, no
 * user info, no characters parsers disagree on, and a host that is neither an internal name
 * nor an IP literal in a refused range (numeric forms such as `2130706433`, `0x7f.1` and
 * `[::ffff:127.0.0.1]` are normalised by the WHATWG parser first, as platforms' parsers do).
 * Returns the reason it is refused, or the parsed link. Ports are left to PublicLinkGuard: an
 * allow-listed host may use any.
 */
export function checkLinkForm(raw: string): { refused: string } | LinkForm {
  if (hasAmbiguousCharacters(raw))
    return { refused: 'contains spaces, control characters or a backslash' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:') return { refused: 'must use https' };
  if (url.username || url.password || authorityOf(raw).includes('@')) {
    return { refused: 'must not carry user info (user:password@)' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host)) {
    const range = refusedRangeOf(host);
    return range ? { refused: `points at a ${range} address` } : { url, host };
  }
  const internal = internalNameReason(host);
  return internal ? { refused: internal } : { url, host };
}

function internalNameReason(host: string): string | undefined {
  const suffix = INTERNAL_SUFFIXES.find((name) => host === name || host.endsWith(`.${name}`));
  if (suffix) return `names an internal host (${suffix})`;
  return host.includes('.') ? undefined : 'names a host without a domain (an internal name)';
}

/** The raw authority (between `//` and the path), where an `@` would mean user info. */
function authorityOf(raw: string): string {
  const afterScheme = raw.slice(raw.indexOf('//') + 2);
  return afterScheme.split(/[/?#]/, 1)[0];
}
