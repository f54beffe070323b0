import { isIPv4, isIPv6 } from 'node:net';

/**
 * The bucket an address's failed authentications count in: the IPv4 address itself, or the
 * /64 network of an IPv6 address, since one subscriber usually holds a whole /64 and could
 * otherwise step to a fresh address for every few attempts.
 */
export function clientAddressBucket(address: string): string {
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mappedV4) return mappedV4;
  if (isIPv4(address) || !isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone and embedded IPv4 tail dropped). */
function expandIPv6(address: string): string[] {
  const [head, tail = ''] = address.split('%')[0].split('::') as [string, string?];
  const groups = (part: string) => (part ? part.split(':').filter((g) => !g.includes('.')) : []);
  const left = groups(head);
  const right = groups(tail);
  const missing = Math.max(0, 8 - left.length - right.length);
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    (parseInt(group, 16) || 0).toString(16),
  );
}
