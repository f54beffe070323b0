import { hmacSha256, safeEqual, verifySha256Signature } from './hmac';

// RFC 4231, test cases 1, 2 and 6 (HMAC-SHA-256).
const RFC_4231 = [
  {
    name: 'case 1',
    key: Buffer.alloc(20, 0x0b),
    data: 'Hi There',
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'case 2',
    key: 'Jefe',
    data: 'what do ya want for nothing?',
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'case 6 (key longer than the block)',
    key: Buffer.alloc(131, 0xaa),
    data: 'Test Using Larger Than Block-Size Key - Hash Key First',
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
];

describe('hmacSha256', () => {
  it.each(RFC_4231)('matches RFC 4231 $name', ({ key, data, mac }) => {
    expect(hmacSha256(key, data).toString('hex')).toBe(mac);
    expect(hmacSha256(key, Buffer.from(data)).toString('hex')).toBe(mac);
  });
});

describe('safeEqual', () => {
  it('is true for equal strings and buffers', () => {
    expect(safeEqual('token-abc', 'token-abc')).toBe(true);
    expect(safeEqual(Buffer.from('token-abc'), 'token-abc')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
  });

  it('is false for different values, including different lengths and prefixes', () => {
    expect(safeEqual('token-abc', 'token-abd')).toBe(false);
    expect(safeEqual('token-abc', 'token-ab')).toBe(false);
    expect(safeEqual('token', '')).toBe(false);
    expect(safeEqual(Buffer.from([0]), Buffer.alloc(0))).toBe(false);
  });
});

describe('verifySha256Signature', () => {
  const secret = 'Jefe';
  const body = Buffer.from('what do ya want for nothing?');
  const signature = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

  it('accepts the X-Hub-Signature-256 header Meta sends for the raw body', () => {
    expect(verifySha256Signature(`sha256=${signature}`, secret, body)).toBe(true);
  });

  it('accepts upper-case hex and a custom prefix', () => {
    expect(verifySha256Signature(`sha256=${signature.toUpperCase()}`, secret, body)).toBe(true);
    expect(verifySha256Signature(`v1,${signature}`, secret, body, 'v1,')).toBe(true);
  });

  it('rejects a signature over another body or with another secret', () => {
    const altered = Buffer.concat([body, Buffer.from(' ')]);
    expect(verifySha256Signature(`sha256=${signature}`, secret, altered)).toBe(false);
    expect(verifySha256Signature(`sha256=${signature}`, 'jefe', body)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without prefix', signature],
    ['with another prefix', `sha1=${signature}`],
    ['truncated', `sha256=${signature.slice(0, 63)}`],
    ['too long', `sha256=${signature}00`],
    ['not hex', `sha256=${signature.slice(0, 63)}g`],
    ['padded', `sha256= ${signature}`],
  ])('rejects a %s header', (_, header) => {
    expect(verifySha256Signature(header, secret, body)).toBe(false);
  });

  it('rejects everything when the secret is empty', () => {
    const header = `sha256=${hmacSha256('', body).toString('hex')}`;
    expect(verifySha256Signature(header, '', body)).toBe(false);
  });
});
