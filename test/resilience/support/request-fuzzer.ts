import { createHmac } from 'node:crypto';
import { EVOLUTION_WEBHOOK_SECRET_HEADER } from '@app/whatsapp/evolution/evolution-webhook-keys';
import { idsFor } from './estate-ids';
import { exampleBody } from './example-body';
import {
  HOSTILE_HEADER_VALUES,
  HOSTILE_STRINGS,
  deepNestingJson,
  hostilePathSegment,
  hostileValue,
  percentEncoded,
} from './hostile-values';
import { DocumentedRoute, JsonSchema, RouteParameter } from './openapi-routes';
import { SeededRandom } from './seeded-random';
import { TenantEstate, bodyOwner } from './tenant-estate';

/** What the fuzzer may use to make a request look legitimate before it mutates it. */
export interface FuzzTarget {
  estate: TenantEstate;
  adminHeaders: Record<string, string>;
  /** Tokens that look right but must be refused (bad signature, foreign tenant, expired...). */
  forgedJwts: readonly string[];
  metaAppSecret: string;
  /** A real delivery body for a route (e.g. Meta's webhook), instead of the schema's example. */
  realisticBody(route: DocumentedRoute): unknown;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** How this request was built, for the failure report. */
  mutations: string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/json, text/plain',
  '',
];

/**
 * Builds one malformed or mutated request for a documented route: path, query, headers and
 * body each either plausible or hostile, chosen by `random`, so the same seed and case index
 * always give the same request.
 */
export function fuzzRequest(
  route: DocumentedRoute,
  random: SeededRandom,
  target: FuzzTarget,
): FuzzRequest {
  const mutations: string[] = [];
  const method = random.chance(0.04) ? random.pick(METHODS) : route.method;
  if (method !== route.method) mutations.push(`method ${method}`);

  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    pathValue(route, name, random, target, mutations),
  );
  const query = route.parameters
    .filter((parameter) => parameter.in === 'query')
    .flatMap((parameter) => queryPairs(parameter, random, mutations));
  if (random.chance(0.1)) query.push(`${random.pick(['x', 'limit[]', '__proto__'])}=1`);

  const headers: Record<string, string> = {};
  authenticate(route, random, target, headers, mutations);
  for (const parameter of route.parameters.filter((p) => p.in === 'header')) {
    headerValue(parameter, random, target, headers, mutations);
  }

  const withBody = route.body !== undefined || random.chance(0.15);
  const payload = withBody ? body(route, random, target, headers, mutations) : undefined;
  if (payload !== undefined && /hub-signature/i.test(Object.keys(headers).join(' '))) {
    signOrForge(payload, random, target, headers, mutations);
  }

  return {
    method,
    url: query.length ? `${path}?${query.join('&')}` : path,
    headers,
    payload,
    mutations,
  };
}

function pathValue(
  route: DocumentedRoute,
  name: string,
  random: SeededRandom,
  target: FuzzTarget,
  mutations: string[],
): string {
  const roll = random.next();
  if (roll < 0.4) return encodeURIComponent(random.pick(idsFor(route, name, target.estate)));
  if (roll < 0.6) return random.uuid();
  const segment = hostilePathSegment(random);
  mutations.push(`{${name}}=${segment.slice(0, 60)}`);
  return segment;
}

function queryPairs(parameter: RouteParameter, random: SeededRandom, mutations: string[]) {
  if (random.chance(0.5)) return [];
  const key = encodeURIComponent(parameter.name);
  const plausible = parameter.schema.enum?.[0] ?? parameter.schema.example;
  if (plausible !== undefined && random.chance(0.3)) {
    const text = typeof plausible === 'string' ? plausible : JSON.stringify(plausible);
    return [`${key}=${encodeURIComponent(text)}`];
  }
  const value = random.pick([
    'abc',
    '-1',
    '0',
    '101',
    '1e309',
    '1.5',
    '',
    '%FF',
    '%00',
    'x'.repeat(10_000),
    percentEncoded(random.pick(HOSTILE_STRINGS.slice(0, 30))),
  ]);
  mutations.push(`?${parameter.name}=${value.slice(0, 40)}`);
  return random.chance(0.2) ? [`${key}=${value}`, `${key}=${value}`] : [`${key}=${value}`];
}

function authenticate(
  route: DocumentedRoute,
  random: SeededRandom,
  target: FuzzTarget,
  headers: Record<string, string>,
  mutations: string[],
): void {
  const roll = random.next();
  if (roll < 0.6 && route.needsCredentials) {
    Object.assign(
      headers,
      random.chance(0.7) ? target.estate.tenant.headers : target.estate.jwtHeaders,
    );
    return;
  }
  if (roll < 0.7 && route.needsCredentials) {
    Object.assign(headers, target.adminHeaders);
    return;
  }
  const forged = random.pick([
    {},
    { authorization: 'Bearer' },
    { authorization: 'Basic dXNlcjpwYXNz' },
    { authorization: `Bearer ohk_${random.hex(40)}` },
    { authorization: `Bearer ${random.pick(target.forgedJwts)}` },
    { authorization: `Bearer ${'a'.repeat(8_000)}` },
    { 'x-api-key': random.pick(HOSTILE_HEADER_VALUES) },
    {
      authorization: `Bearer eyJhbGciOiJub25lIn0.${Buffer.from('{"tenant_id":"x"}').toString('base64url')}.`,
    },
  ]);
  mutations.push(`auth ${JSON.stringify(forged).slice(0, 60)}`);
  Object.assign(headers, forged);
}

function headerValue(
  parameter: RouteParameter,
  random: SeededRandom,
  target: FuzzTarget,
  headers: Record<string, string>,
  mutations: string[],
): void {
  const name = parameter.name.toLowerCase();
  if (name === 'apikey') {
    if (random.chance(0.6)) headers.apikey = target.estate.evolutionAccount.instanceKey;
    else if (random.chance(0.5)) headers.apikey = random.hex(32);
    return;
  }
  if (name === EVOLUTION_WEBHOOK_SECRET_HEADER) {
    if (random.chance(0.6)) headers[name] = target.estate.evolutionAccount.webhookSecret;
    else if (random.chance(0.5)) headers[name] = random.pick(HOSTILE_HEADER_VALUES);
    return;
  }
  if (name.includes('signature')) {
    headers[name] = 'pending';
    return;
  }
  if (random.chance(0.5)) {
    const value = random.pick([random.uuid(), '', 'x'.repeat(5_000), 'caf\u00e9']);
    headers[name] = value;
    mutations.push(`${name}: ${value.slice(0, 30)}`);
  }
}

function body(
  route: DocumentedRoute,
  random: SeededRandom,
  target: FuzzTarget,
  headers: Record<string, string>,
  mutations: string[],
): string | Buffer {
  headers['content-type'] = random.chance(0.85) ? 'application/json' : random.pick(CONTENT_TYPES);
  if (headers['content-type'] !== 'application/json')
    mutations.push(`content-type ${headers['content-type']}`);
  const base =
    target.realisticBody(route) ??
    (route.body ? exampleBody(route.body, bodyOwner(target.estate)) : {});
  const roll = random.next();
  if (roll < 0.6) {
    const mutated = mutateFields(structuredClone(base), route.body, random, mutations);
    return JSON.stringify(mutated);
  }
  if (roll < 0.75) {
    mutations.push('body replaced by a hostile value');
    return JSON.stringify(hostileValue(random)) ?? 'null';
  }
  const raw = JSON.stringify(base);
  const broken = random.pick([
    () => raw.slice(0, Math.max(1, random.int(raw.length))),
    () => `${raw}}}garbage`,
    () => `\ufeff${raw}`,
    () =>
      Buffer.concat([
        Buffer.from(raw.slice(0, -1)),
        Buffer.from([0xff, 0xfe, 0xc0]),
        Buffer.from('}'),
      ]),
    () => '{"__proto__":{"polluted":true}}',
    () => '{"constructor":{"prototype":{"polluted":true}}}',
    () => '{"a":1,"a":2}',
    () => '',
    () => '   \n  ',
    () => JSON.stringify({ filler: 'x'.repeat(1_100_000) }),
    () => deepNestingJson(random.pick([1_000, 10_000, 100_000])),
    () => '[' + '1,'.repeat(100_000) + '1]',
  ])();
  mutations.push(`raw body ${String(broken).slice(0, 40)}`);
  return broken;
}

/** Changes one to three fields of `value`: removed, retyped, hostile strings, extra keys. */
function mutateFields(
  value: unknown,
  schema: JsonSchema | undefined,
  random: SeededRandom,
  mutations: string[],
): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(object), ...Object.keys(schema?.properties ?? {})])];
  for (let i = 0, n = 1 + random.int(3); i < n; i += 1) {
    const key = keys.length && random.chance(0.85) ? random.pick(keys) : `extra${random.int(9)}`;
    const action = random.int(4);
    if (action === 0) {
      delete object[key];
      mutations.push(`-${key}`);
    } else if (action === 1 && typeof object[key] === 'object' && object[key] !== null) {
      object[key] = mutateFields(object[key], schema?.properties?.[key], random, mutations);
    } else {
      object[key] = action === 2 ? random.pick(HOSTILE_STRINGS) : hostileValue(random);
      mutations.push(`${key}=${JSON.stringify(object[key])?.slice(0, 40)}`);
    }
  }
  return object;
}

function signOrForge(
  payload: string | Buffer,
  random: SeededRandom,
  target: FuzzTarget,
  headers: Record<string, string>,
  mutations: string[],
): void {
  const key = Object.keys(headers).find((name) => /hub-signature/i.test(name))!;
  delete headers[key];
  // Meta's signature: HMAC-SHA256 of the exact bytes sent, so mutated bodies still pass it.
  const digest = createHmac('sha256', target.metaAppSecret).update(payload).digest('hex');
  const signature = `sha256=${digest}`;
  const forged = random.pick([
    signature,
    signature,
    signature,
    `sha256=${random.hex(64)}`,
    `sha1=${digest}`,
    signature.toUpperCase(),
    signature.slice(0, -2),
    '',
    'sha256=',
  ]);
  if (forged !== signature) mutations.push(`signature ${forged.slice(0, 20)}`);
  if (forged !== '' || random.chance(0.5)) headers['x-hub-signature-256'] = forged;
}
