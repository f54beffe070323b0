import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook } from './webhook-signature';

describe('signWebhook', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as the README recipe checks it', () => {
    const body = '{"id":"e1","type":"message.sent"}';
    const expected = createHmac('sha256', 'whsec_test').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('whsec_test', 1_700_000_000, body)).toBe(`v1=${expected}`);
  });

  it('changes when the timestamp does, so an old signature cannot be replayed as new', () => {
    expect(signWebhook('s', 1, '{}')).not.toBe(signWebhook('s', 2, '{}'));
  });

  it('makes secrets that differ and carry 32 random bytes', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
