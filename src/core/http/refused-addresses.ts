import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a platform must never be sent to fetch from on our behalf: everything that is
 * not ordinary public unicast. Evolution API runs inside the deployment's own network, so a
 * media link to one of these reaches our neighbours (a cloud metadata service at
 * 169.254.169.254 or fd00:ec2::254, an admin port on 127.0.0.1, a database on 10.x).
 *
 * IPv6 is refused outside 2000::/3 (global unicast) as a whole, so a new special range cannot
 * slip through because nobody listed it; inside 2000::/3 the special-purpose blocks are listed.
 * Addresses that embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96) are
 * judged by the IPv4 address they carry.
 */
const IPV4_RANGES: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (Teredo, benchmarking)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'unique-local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const GLOBAL_UNICAST_V6 = blockListOf([['2000::', 3, 'global unicast']], 'ipv6');
const NAT64 = blockListOf([['64:ff9b::', 96, 'NAT64']], 'ipv6');
const MAPPED_V4 = blockListOf([['::ffff:0:0', 96, 'IPv4-mapped']], 'ipv6');

const byName = {
  ipv4: IPV4_RANGES.map(([network, prefix, name]) => ({
    name,
    list: blockListOf([[network, prefix, name]], 'ipv4'),
  })),
  ipv6: IPV6_RANGES.map(([network, prefix, name]) => ({
    name,
    list: blockListOf([[network, prefix, name]], 'ipv6'),
  })),
};

/**
 * Why `address` (an IPv4 or IPv6 literal, no brackets) may not be fetched, or undefined when it
 * is public. Anything that is not an IP address is refused too: callers pass resolved addresses.
 */
export function refusedRangeOf(literal: string): string | undefined {
  // A zone index (fe80::1%eth0, as getaddrinfo may return) names an interface, not an address.
  const address = literal.replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return byName.ipv4.find((range) => range.list.check(address, 'ipv4'))?.name;
  if (family !== 6) return 'not an IP address';
  const embedded = embeddedIpv4Of(address);
  if (embedded !== undefined) {
    const reason = refusedRangeOf(embedded);
    return reason && `${reason}, embedded in IPv6`;
  }
  const listed = byName.ipv6.find((range) => range.list.check(address, 'ipv6'))?.name;
  if (listed) return listed;
  return GLOBAL_UNICAST_V6.check(address, 'ipv6') ? undefined : 'reserved IPv6';
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::/96) address. */
function embeddedIpv4Of(address: string): string | undefined {
  if (!MAPPED_V4.check(address, 'ipv6') && !NAT64.check(address, 'ipv6')) return undefined;
  const groups = expandIpv6(address);
  const high = groups[6];
  const low = groups[7];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address, `::` and a dotted IPv4 tail expanded. */
function expandIpv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const front = parse(head);
  const back = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

function blockListOf(
  ranges: readonly [string, number, string][],
  type: 'ipv4' | 'ipv6',
): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
  return list;
}
