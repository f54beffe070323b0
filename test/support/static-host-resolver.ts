import { HostResolver } from '@core/http/host-resolver';

/** Public addresses of example hosts, so media links in tests resolve without real DNS. */
export const PUBLIC_TEST_HOSTS: Readonly<Record<string, string[]>> = {
  'cdn.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'loja.example.com': ['93.184.215.15'],
};

/**
 * A resolver with a fixed table (names not in it do not exist, like NXDOMAIN), so a test can
 * make a name resolve to a private address, or to several, without touching the system's DNS.
 */
export class StaticHostResolver extends HostResolver {
  private readonly table = new Map<string, string[]>(Object.entries(PUBLIC_TEST_HOSTS));
  readonly asked: string[] = [];

  private readonly turns = new Map<string, string[][]>();

  set(host: string, addresses: string[]): this {
    this.table.set(host, addresses);
    this.turns.delete(host);
    return this;
  }

  /**
   * Answers `host` with each list in turn, the last one from then on: a rebinding DNS server
   * that says a public address first and a private one after.
   */
  answerInTurn(host: string, answers: string[][]): this {
    this.turns.set(host, answers.slice(0, -1));
    this.table.set(host, answers[answers.length - 1]);
    return this;
  }

  resolve(host: string): Promise<string[]> {
    this.asked.push(host);
    const next = this.turns.get(host)?.shift();
    if (next) return Promise.resolve(next);
    const addresses = this.table.get(host);
    if (addresses) return Promise.resolve(addresses);
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
    );
  }
}
