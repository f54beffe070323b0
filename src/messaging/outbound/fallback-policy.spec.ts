import { loadConfig } from '@config/load-config';
import type { ChannelRegistry } from '@core/channel/channel.registry';
import type { MessagingRules } from '@core/channel/messaging-rules';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import { FallbackPolicy } from './fallback-policy';

const env = {
  DATABASE_URL: 'postgres://x@localhost/db',
  REDIS_URL: 'redis://localhost',
  ADMIN_API_KEY: 'a'.repeat(40),
  SECRETS_KEYS: `k:${Buffer.alloc(32).toString('base64')}`,
};
/** A platform whose provider calls its 'template' sends templates (the class is its to say). */
const rules: Pick<MessagingRules, 'fallbackClassOf'> = {
  fallbackClassOf: (type) => (type === 'template' ? 'template' : 'service'),
};
const registry = { messaging: () => ({ rules }) } as unknown as ChannelRegistry;
const from = { hub: 'whatsapp', provider: 'meta-cloud' };
const policy = (classes?: string) =>
  new FallbackPolicy(
    loadConfig({ ...env, ...(classes ? { FALLBACK_MESSAGE_CLASSES: classes } : {}) }),
    registry,
  );
const failure = (kind: ConstructorParameters<typeof PlatformError>[2]) =>
  new PlatformError('whatsapp', 'send_message', kind, 'failed');

describe('FallbackPolicy', () => {
  it('moves a send when the primary circuit is open, whatever the attempt', () => {
    const open = new CircuitOpenError(
      { hub: 'whatsapp', provider: 'meta-cloud', account: 'a' },
      5_000,
    );
    expect(policy().reasonFor(open, false)).toBe('circuit_open');
  });

  it('moves a send only after the last attempt failed retryably, and never after a timeout', () => {
    expect(policy().reasonFor(failure('server'), true)).toBe('retries_exhausted');
    expect(policy().reasonFor(failure('rate-limited'), true)).toBe('retries_exhausted');
    expect(policy().reasonFor(failure('server'), false)).toBeUndefined();
    expect(policy().reasonFor(failure('timeout'), true)).toBeUndefined();
    expect(policy().reasonFor(failure('rejected'), true)).toBeUndefined();
    expect(policy().reasonFor(new Error('bug'), true)).toBeUndefined();
  });

  it('lets service messages fall back by default but keeps templates on their provider', () => {
    expect(policy().allows('text', from)).toBe(true);
    expect(policy().allows('image', from)).toBe(true);
    expect(policy().allows('template', from)).toBe(false);
    expect(policy('service,template').allows('template', from)).toBe(true);
    expect(policy('none').allows('text', from)).toBe(false);
  });
});
