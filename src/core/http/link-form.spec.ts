import { checkLinkForm } from './link-form';

const refusal = (raw: string) => {
  const form = checkLinkForm(raw);
  return 'refused' in form ? form.refused : undefined;
};

describe('checkLinkForm', () => {
  it.each([
    ['http://cdn.example.com/a.jpg', 'must use https'],
    ['ftp://cdn.example.com/a.jpg', 'must use https'],
    ['file:///etc/passwd', 'must use https'],
    ['gopher://127.0.0.1:6379/_INFO', 'must use https'],
    ['cdn.example.com/a.jpg', 'not a valid absolute URL'],
    ['', 'not a valid absolute URL'],
    ['https://user:pass@cdn.example.com/a.jpg', 'user info'],
    ['https://cdn.example.com@127.0.0.1/a.jpg', 'user info'],
    ['https://evil.example\\@127.0.0.1/a.jpg', 'backslash'],
    ['https://cdn.example.com/a b.jpg', 'spaces'],
    ['https://cdn.example.com/\n.jpg', 'control characters'],
    ['https://127.0.0.1/admin', 'loopback'],
    ['https://127.0.0.1:8080/admin', 'loopback'],
    ['https://2130706433/', 'loopback'], // decimal
    ['https://0x7f.0.0.1/', 'loopback'], // hex
    ['https://0177.0.0.1/', 'loopback'], // octal
    ['https://127.1/', 'loopback'], // short form
    ['https://%31%32%37.0.0.1/', 'loopback'], // percent-encoded
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback, embedded in IPv6'],
    ['https://[64:ff9b::10.1.2.3]/', 'private, embedded in IPv6'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'unique-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://10.0.0.5/media.jpg', 'private'],
    ['https://100.64.1.1/', 'carrier-grade NAT'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://localhost/a.jpg', 'internal host (localhost)'],
    ['https://LOCALHOST./a.jpg', 'internal host (localhost)'],
    ['https://admin.localhost/', 'internal host (localhost)'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'internal host (internal)'],
    ['https://minio.svc.cluster.local/bucket/a.jpg', 'internal host (local)'],
    ['https://1.0.0.127.in-addr.arpa/', 'internal host (arpa)'],
    ['https://metadata/computeMetadata/v1/', 'without a domain'],
    ['https://evolution-api/', 'without a domain'],
  ])('refuses %s (%s)', (raw, reason) => {
    expect(refusal(raw)).toContain(reason);
  });

  it.each([
    'https://cdn.example.com/receipt.pdf',
    'https://cdn.example.com:8443/receipt.pdf', // ports are PublicLinkGuard's to judge
    'https://93.184.215.14/a.jpg',
    'https://[2606:4700:4700::1111]/a.jpg',
    'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=ATu9-_x',
    'https://cdn.example.com/a.jpg?sig=abc%20def#frag',
  ])('accepts %s', (raw) => {
    expect(refusal(raw)).toBeUndefined();
  });

  it('returns the host lower-cased, without brackets or a trailing dot', () => {
    expect(checkLinkForm('https://CDN.Example.com./a.jpg')).toMatchObject({
      host: 'cdn.example.com',
    });
    expect(checkLinkForm('https://[2606:4700::1]/a.jpg')).toMatchObject({ host: '2606:4700::1' });
  });
});
