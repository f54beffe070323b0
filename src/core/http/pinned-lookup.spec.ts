import type { AppConfig } from '@config/app-config';
import type { LookupAddress } from 'node:dns';
import { HostResolver } from './host-resolver';
import { AddressRefusedError, PinnedLookup } from './pinned-lookup';
import { PublicLinkGuard } from './public-link.guard';

/** Answers each name with its lists in turn (the last repeats), counting the questions. */
class RebindingResolver extends HostResolver {
  readonly asked = new Map<string, number>();

  constructor(private readonly answers: Record<string, string[][]>) {
    super();
  }

  resolve(host: string): Promise<string[]> {
    const turn = this.asked.get(host) ?? 0;
    this.asked.set(host, turn + 1);
    const lists = this.answers[host];
    if (!lists) return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    return Promise.resolve(lists[Math.min(turn, lists.length - 1)]);
  }
}

function pinnedWith(resolver: HostResolver, allowed: string[] = []): PinnedLookup {
  const config = {
    outboundHttp: { timeoutMs: 1_000, allowedHosts: new Set(allowed) },
  } as unknown as AppConfig;
  return new PinnedLookup(new PublicLinkGuard(resolver, config));
}

/** What the socket would be told, as `lookup(host, { all })` reports it. */
function ask(
  pinned: PinnedLookup,
  host: string,
  options: { all?: boolean; family?: number } = { all: true },
): Promise<{ error: Error | null; addresses: LookupAddress[] }> {
  return new Promise((resolve) => {
    pinned.lookup(host, options, (error, address, family) => {
      const addresses = typeof address === 'string' ? [{ address, family: family ?? 0 }] : address;
      resolve({ error, addresses });
    });
  });
}

describe('PinnedLookup', () => {
  it('hands the socket exactly the addresses it judged, from one question', async () => {
    const resolver = new RebindingResolver({
      'hooks.example.com': [
        ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
        ['127.0.0.1'],
      ],
    });
    const { error, addresses } = await ask(pinnedWith(resolver), 'hooks.example.com');
    expect(error).toBeNull();
    expect(addresses).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    expect(resolver.asked.get('hooks.example.com')).toBe(1);
  });

  it('refuses the second answer of a rebinding name instead of connecting to it', async () => {
    const resolver = new RebindingResolver({
      'rebind.example.com': [['93.184.215.14'], ['169.254.169.254']],
    });
    const pinned = pinnedWith(resolver);
    expect((await ask(pinned, 'rebind.example.com')).error).toBeNull();
    const second = await ask(pinned, 'rebind.example.com');
    expect(second.addresses).toEqual([]);
    expect(second.error).toBeInstanceOf(AddressRefusedError);
    expect((second.error as AddressRefusedError).verdict).toEqual({
      kind: 'refused',
      range: 'link-local (cloud metadata)',
    });
  });

  it.each([
    ['a private address among public ones', ['93.184.215.14', '10.1.2.3'], 'private'],
    ['loopback', ['127.0.0.1'], 'loopback'],
    ['IPv4-mapped IPv6 of a private address', ['::ffff:192.168.0.10'], 'private, embedded in IPv6'],
    ['an IPv6 unique-local address', ['fd12:3456::1'], 'unique-local (private)'],
    ['IPv6 loopback', ['::1'], 'loopback'],
    ['the AWS IPv6 metadata address', ['fd00:ec2::254'], 'unique-local (private)'],
  ])('refuses a name answering %s', async (_what, answer, range) => {
    const resolver = new RebindingResolver({ 'inside.example.com': [answer] });
    const { error } = await ask(pinnedWith(resolver), 'inside.example.com');
    expect((error as AddressRefusedError).verdict).toEqual({ kind: 'refused', range });
  });

  it('connects an allow-listed host to its private address', async () => {
    const resolver = new RebindingResolver({ 'hooks.corp.example': [['10.20.0.7']] });
    const pinned = pinnedWith(resolver, ['hooks.corp.example']);
    expect(await ask(pinned, 'hooks.corp.example', {})).toEqual({
      error: null,
      addresses: [{ address: '10.20.0.7', family: 4 }],
    });
  });

  it('answers one address of the family asked for when the socket wants one', async () => {
    const resolver = new RebindingResolver({
      'dual.example.com': [['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']],
    });
    expect(await ask(pinnedWith(resolver), 'dual.example.com', { family: 6 })).toEqual({
      error: null,
      addresses: [{ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }],
    });
  });

  it('reports a name that does not exist as a refusal the client maps to a permanent error', async () => {
    const { error } = await ask(pinnedWith(new RebindingResolver({})), 'gone.example.com');
    expect((error as AddressRefusedError).verdict).toEqual({ kind: 'no-such-host' });
  });
});
