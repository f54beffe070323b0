import { refusedRangeOf } from './refused-addresses';

describe('refusedRangeOf', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'], // Alibaba Cloud metadata
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'], // AWS, GCP, Azure metadata
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', '6to4 relay'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback, embedded in IPv6'],
    ['::ffff:7f00:1', 'loopback, embedded in IPv6'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata), embedded in IPv6'],
    ['64:ff9b::10.0.0.1', 'private, embedded in IPv6'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata), embedded in IPv6'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['100::1', 'discard-only'],
    ['2001::1', 'IETF protocol assignments'], // Teredo
    ['2001:2::1', 'IETF protocol assignments'], // benchmarking
    ['2001:db8::1', 'documentation'],
    ['2002:c0a8:101::1', '6to4'],
    ['3fff::1', 'documentation'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS metadata over IPv6
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::127.0.0.1', 'reserved IPv6'], // IPv4-compatible (deprecated)
    ['4000::1', 'reserved IPv6'],
    ['metadata.google.internal', 'not an IP address'],
    ['', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusedRangeOf(address)).toContain(reason);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.215.14',
    '100.63.255.255', // just below CGNAT
    '100.128.0.1', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.1', // just above it
    '169.253.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2606:4700:4700::1111',
    '2a03:2880:f10c:83:face:b00c:0:25de',
  ])('lets the public address %s through', (address) => {
    expect(refusedRangeOf(address)).toBeUndefined();
  });
});
