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

  set(host: string, addresses: string[]): this {
    this.table.set(host, addresses);
    return this;
  }

  resolve(host: string): Promise<string[]> {
    this.asked.push(host);
    const addresses = this.table.get(host);
    if (addresses) return Promise.resolve(addresses);
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
    );
  }
}
