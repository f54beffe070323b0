import { clientAddressBucket } from './client-address';

describe('clientAddressBucket', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientAddressBucket('203.0.113.7')).toBe('203.0.113.7');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(clientAddressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('puts every address of one IPv6 /64 in the same bucket, however it is written', () => {
    const buckets = [
      '2001:db8:aa:1::1',
      '2001:0db8:00aa:0001:ffff:ffff:ffff:ffff',
      '2001:db8:aa:1:1234::9',
    ].map(clientAddressBucket);
    expect(new Set(buckets)).toEqual(new Set(['2001:db8:aa:1::/64']));
    expect(clientAddressBucket('2001:db8:aa:2::1')).toBe('2001:db8:aa:2::/64');
    expect(clientAddressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
