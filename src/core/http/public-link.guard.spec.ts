import type { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { HostResolver } from './host-resolver';
import { LinkRefusedError } from './link-refused.error';
import { PublicLinkGuard } from './public-link.guard';

const CALL = { hub: 'whatsapp', operation: 'send_message' };

/** A resolver answering from a table; other names fail with the given getaddrinfo code. */
class TableResolver extends HostResolver {
  constructor(
    private readonly table: Record<string, string[]>,
    /** A getaddrinfo error code, or 'hang' for a resolver that never answers. */
    private readonly otherwise = 'ENOTFOUND',
  ) {
    super();
  }

  resolve(host: string): Promise<string[]> {
    if (this.table[host]) return Promise.resolve(this.table[host]);
    if (this.otherwise === 'hang') return new Promise(() => undefined);
    return Promise.reject(Object.assign(new Error(this.otherwise), { code: this.otherwise }));
  }
}

function guardWith(
  resolver: HostResolver,
  allowed: string[] = [],
  timeoutMs = 1_000,
): PublicLinkGuard {
  const config = {
    outboundHttp: { timeoutMs, allowedHosts: new Set(allowed) },
  } as unknown as AppConfig;
  return new PublicLinkGuard(resolver, config);
}

async function failureOf(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe('PublicLinkGuard', () => {
  const table = {
    'cdn.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'media.corp.example': ['10.20.0.7'],
    'dual.example.com': ['93.184.215.14', '169.254.169.254'],
  };

  it('lets a public https link through after resolving its host', async () => {
    await expect(
      guardWith(new TableResolver(table)).assertPublic('https://cdn.example.com/a.jpg', CALL),
    ).resolves.toBeUndefined();
  });

  it('refuses a name when any one of its addresses is refused, naming host and range', async () => {
    const error = await failureOf(
      guardWith(new TableResolver(table)).assertPublic('https://dual.example.com/a.jpg', CALL),
    );
    expect(error).toBeInstanceOf(LinkRefusedError);
    expect(error.code).toBe('MEDIA.LINK_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'whatsapp send_message: media link host dual.example.com resolves to a link-local ' +
        '(cloud metadata) address',
    );
  });

  it('refuses a port other than 443, and a name that does not exist, permanently', async () => {
    const guard = guardWith(new TableResolver(table));
    for (const link of ['https://cdn.example.com:8443/a.jpg', 'https://gone.example.com/a.jpg']) {
      const error = await failureOf(guard.assertPublic(link, CALL));
      expect(error.code).toBe('MEDIA.LINK_REFUSED');
      expect(error.retryable).toBe(false);
    }
  });

  it('lets allow-listed hosts reach private addresses and other ports, but never over http', async () => {
    const guard = guardWith(new TableResolver(table), ['media.corp.example']);
    await expect(
      guard.assertPublic('https://media.corp.example:9000/bucket/a.jpg', CALL),
    ).resolves.toBeUndefined();
    const error = await failureOf(guard.assertPublic('http://media.corp.example/a.jpg', CALL));
    expect(error.message).toContain('must use https');
    const stillRefused = await failureOf(
      guardWith(new TableResolver(table)).assertPublic('https://media.corp.example/a.jpg', CALL),
    );
    expect(stillRefused.message).toContain('private');
  });

  it('makes a DNS failure that may pass (SERVFAIL, timeout) retryable, not a refusal', async () => {
    const servfail = await failureOf(
      guardWith(new TableResolver({}, 'EAI_AGAIN')).assertPublic('https://x.example.com/', CALL),
    );
    expect(servfail).not.toBeInstanceOf(LinkRefusedError);
    expect(servfail.failure).toBe('network');
    expect(servfail.retryable).toBe(true);

    const slow = await failureOf(
      guardWith(new TableResolver({}, 'hang'), [], 50).assertPublic('https://x.example.com/', CALL),
    );
    expect(slow.failure).toBe('timeout');
    expect(slow.retryable).toBe(true);
  });
});
