import { signTikTokWebhook, verifyTikTokSignature } from './tiktok-signature';

const SECRET = 'tiktok-app-secret-for-the-tests';
const body = Buffer.from('{"event":"im_receive_msg","user_openid":"-000shop"}');
const now = 1_765_000_000_000;
const t = now / 1000;

describe('Tiktok-Signature', () => {
  it('accepts the HMAC-SHA256 of "{t}.{body}" under the app secret', () => {
    const header = signTikTokWebhook(body.toString(), SECRET, t);
    expect(header).toMatch(/^t=\d+,s=[0-9a-f]{64}$/);
    expect(verifyTikTokSignature(header, body, SECRET, 300, now)).toBe('valid');
  });

  it('refuses a signature under another secret or over another body', () => {
    const header = signTikTokWebhook(body.toString(), 'another-secret-entirely', t);
    expect(verifyTikTokSignature(header, body, SECRET, 300, now)).toBe('mismatch');
    const good = signTikTokWebhook(body.toString(), SECRET, t);
    expect(
      verifyTikTokSignature(good, Buffer.concat([body, Buffer.from(' ')]), SECRET, 300, now),
    ).toBe('mismatch');
  });

  it('refuses a timestamp changed after signing (it is part of what is signed)', () => {
    const header = signTikTokWebhook(body.toString(), SECRET, t).replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyTikTokSignature(header, body, SECRET, 300, now)).toBe('mismatch');
  });

  it('refuses a genuine delivery older or newer than the tolerance', () => {
    const old = signTikTokWebhook(body.toString(), SECRET, t - 301);
    expect(verifyTikTokSignature(old, body, SECRET, 300, now)).toBe('stale');
    const future = signTikTokWebhook(body.toString(), SECRET, t + 301);
    expect(verifyTikTokSignature(future, body, SECRET, 300, now)).toBe('stale');
    const edge = signTikTokWebhook(body.toString(), SECRET, t - 300);
    expect(verifyTikTokSignature(edge, body, SECRET, 300, now)).toBe('valid');
  });

  it('accepts any one of several s= entries and refuses malformed or missing headers', () => {
    const good = signTikTokWebhook(body.toString(), SECRET, t);
    const both = `t=${t},s=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect(verifyTikTokSignature(both, body, SECRET, 300, now)).toBe('valid');
    expect(verifyTikTokSignature(undefined, body, SECRET, 300, now)).toBe('missing');
    expect(verifyTikTokSignature('s=abc', body, SECRET, 300, now)).toBe('malformed');
    expect(verifyTikTokSignature(`t=soon,s=${'0'.repeat(64)}`, body, SECRET, 300, now)).toBe(
      'malformed',
    );
    expect(verifyTikTokSignature(good, body, '', 300, now)).toBe('mismatch');
  });
});
