import { Injectable } from '@nestjs/common';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { HostVerdict, PublicLinkGuard } from './public-link.guard';

type Refusal = Exclude<HostVerdict, { kind: 'addresses' }>;

/**
 * Why the guarded agent opened no connection: the verdict on the host, for PlatformHttpClient
 * to turn into the calling hub's error (the lookup does not know which call it serves).
 */
export class AddressRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly verdict: Refusal,
  ) {
    super(`no connection to ${host}: ${verdict.kind}`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The DNS lookup of the agent that fetches URLs tenants supply. Node's socket asks it for the
 * host's addresses right before connecting; it resolves once through PublicLinkGuard, which
 * judges every address, and hands the socket exactly those addresses (or an
 * AddressRefusedError). So the address connected to is always an address that was checked:
 * a name that answers a public address once and a private one the next time (DNS rebinding)
 * gets no second answer in between. TLS still names the host (SNI and certificate check) and
 * the Host header is the URL's, because the socket is opened for the host name.
 */
@Injectable()
export class PinnedLookup {
  constructor(private readonly guard: PublicLinkGuard) {}

  readonly lookup = (host: string, options: LookupOptions, callback: LookupCallback): void => {
    this.guard.verdictFor(host).then(
      (verdict) => {
        if (verdict.kind !== 'addresses') {
          callback(new AddressRefusedError(host, verdict), []);
          return;
        }
        const answers = verdict.addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((answer) => !options.family || answer.family === options.family);
        if (answers.length === 0) {
          callback(new AddressRefusedError(host, { kind: 'no-such-host' }), []);
        } else if (options.all) {
          callback(null, answers);
        } else {
          callback(null, answers[0].address, answers[0].family);
        }
      },
      (error: Error) => callback(error, []),
    );
  };
}
