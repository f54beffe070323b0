import type { StaticHostResolver } from './static-host-resolver';

/**
 * Media links the API refuses with a 400 naming the field, whatever DNS says: not https, user
 * info, parser-confusing characters, internal names, and private, loopback, link-local or
 * metadata addresses in every numeric spelling.
 */
export const LINKS_REFUSED_AT_ACCEPT: readonly string[] = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://127.0.0.1:8080/admin',
  'https://127.0.0.1:8080/admin',
  'https://169.254.169.254/latest/meta-data/',
  'https://[fd00:ec2::254]/latest/meta-data/',
  'https://2130706433/admin',
  'https://0x7f.0.0.1/admin',
  'https://0177.0.0.1/admin',
  'https://[::1]/admin',
  'https://[::ffff:10.0.0.1]/x.jpg',
  'https://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
  'https://10.1.2.3/x.jpg',
  'https://100.100.100.200/latest/meta-data/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://localhost/x.jpg',
  'https://evolution-api/x.jpg',
  'https://cdn.example.com@127.0.0.1/x.jpg',
  'https://user:pass@cdn.example.com/x.jpg',
  'https://evil.example.com\\@127.0.0.1/x.jpg',
];

/**
 * Links of an acceptable form that the send-time check refuses: the name resolves (through
 * `withHostileNames`) to a refused address, to a public and a private one, to nothing, or the
 * link asks for another port than 443.
 */
export const LINKS_REFUSED_AT_SEND: readonly string[] = [
  'https://rebind.example.com/x.jpg',
  'https://dual.example.com/x.jpg',
  'https://v6-metadata.example.com/x.jpg',
  'https://mapped.example.com/x.jpg',
  'https://nat64.example.com/x.jpg',
  'https://nxdomain.example.com/x.jpg',
  'https://cdn.example.com:8080/x.jpg',
];

/** Makes the names of LINKS_REFUSED_AT_SEND resolve as a hostile DNS server would. */
export function withHostileNames(hosts: StaticHostResolver): StaticHostResolver {
  return hosts
    .set('rebind.example.com', ['10.0.0.5'])
    .set('dual.example.com', ['93.184.215.16', '127.0.0.1'])
    .set('v6-metadata.example.com', ['fd00:ec2::254'])
    .set('mapped.example.com', ['::ffff:169.254.169.254'])
    .set('nat64.example.com', ['64:ff9b::c0a8:101']);
}
