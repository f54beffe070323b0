import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';

/**
 * Turns a host name into the addresses a platform's HTTP client would connect to. An abstract
 * class used as its own token, so tests swap in a resolver that maps a name to a private
 * address without touching the system's DNS.
 */
export abstract class HostResolver {
  /** Every address the name resolves to (IPv4 and IPv6); rejects with the resolver's error. */
  abstract resolve(host: string): Promise<string[]>;
}

/**
 * getaddrinfo, like the platforms' own clients (Evolution's axios, and most others): it reads
 * /etc/hosts and the search domains as they would, so the check sees what they will see.
 */
@Injectable()
export class SystemHostResolver extends HostResolver {
  async resolve(host: string): Promise<string[]> {
    const answers = await lookup(host, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  }
}
