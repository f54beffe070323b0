import { SeededRandom } from './seeded-random';

/**
 * Strings that break careless code: control characters PostgreSQL refuses (NUL), lone UTF-16
 * surrogates, bidirectional overrides, emoji sequences, combining marks, separators JSON and JS
 * disagree on, injection look-alikes, and lengths beyond any sane field.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '🙂'.repeat(2_000),
  'Z̴̡̪̫͎̈́̀a̵̢̛͔l̷͍͈̽g̶̞̈o̵͚̊',
  '\u200b\u200c\u200d\ufeff',
  '\uffff\ufffe',
  '\u2028\u2029',
  '\r\n\t\b\f\v',
  '\u001b[31mred',
  "' OR 1=1 --",
  '"; DROP TABLE messages; --',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%ff%fe',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
  // Links a platform must not be sent to fetch (SSRF): refused with a 400 where a URL is due.
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'https://2130706433:8080/admin',
  'https://[::ffff:127.0.0.1]/',
  'https://metadata.google.internal/computeMetadata/v1/',
];

/** JSON values of every type, for "wrong type" mutations. */
export function hostileValue(random: SeededRandom): unknown {
  switch (random.int(12)) {
    case 0:
      return null;
    case 1:
      return random.pick([true, false]);
    case 2:
      return random.pick([0, -1, 1.5, -0, 2 ** 53 + 1, 1e308, -1e308, Number.MIN_VALUE]);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return [random.pick(HOSTILE_STRINGS), 1, null, {}];
    case 6:
      return { nested: { deeper: random.pick(HOSTILE_STRINGS) } };
    case 7:
      return deepNesting(random.pick([50, 500]));
    default:
      return random.pick(HOSTILE_STRINGS);
  }
}

/** Objects and arrays nested `depth` times: recursion in validators and serialisers. */
export function deepNesting(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { nested: value };
  return value;
}

/** The same as JSON text, for depths JSON.stringify itself cannot reach. */
export function deepNestingJson(depth: number): string {
  return '{"nested":['.repeat(depth) + '"bottom"' + ']}'.repeat(depth);
}

/** A path segment that is not a usable id, already URL-encoded (some are invalid UTF-8). */
export function hostilePathSegment(random: SeededRandom): string {
  const raw = random.pick([
    '%ED%A0%80',
    '%00',
    '%C0%AF',
    '%FF',
    '..%2F..%2Fetc',
    '%2e%2e',
    'x'.repeat(random.pick([100, 5_000])),
    '1',
    '-1',
    '0x10',
    'true',
  ]);
  return random.chance(0.5) ? raw : percentEncoded(random.pick(HOSTILE_STRINGS)) || '%20';
}

/**
 * `value` percent-encoded as UTF-8. Unlike encodeURIComponent alone it accepts lone surrogates:
 * the UTF-8 round trip turns them into U+FFFD, as any HTTP client would send them.
 */
export function percentEncoded(value: string): string {
  return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
}

/** The hostile strings that are printable ASCII, the only text a header can carry. */
export const HOSTILE_HEADER_VALUES = HOSTILE_STRINGS.filter((text) => /^[\x20-\x7e]*$/.test(text));
