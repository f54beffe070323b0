import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '@core/errors/domain-error';

/** PHP-style bracket keys nest at most this deep (`data[MESSAGES][0][message][files][0][link]`). */
const MAX_DEPTH = 12;
const MAX_FIELDS = 2_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `application/x-www-form-urlencoded` bodies, accepted only on the routes under `prefixes`
 * (platforms that post forms, e.g. Bitrix24's events); every other route keeps answering 415.
 * Bracket keys become nested objects, as PHP's `http_build_query` meant them
 * (`data[MESSAGES][0][im][chat_id]=5` → `{ data: { MESSAGES: { '0': { im: { chat_id: '5' } } } } }`);
 * the raw bytes are kept like the JSON parser keeps them.
 */
export function useFormBodyParser(fastify: FastifyInstance, prefixes: readonly string[]): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      const path = request.url.split('?')[0];
      if (!prefixes.some((prefix) => path.startsWith(prefix))) {
        return done(
          new UnsupportedMediaTypeException('Unsupported Content-Type; send application/json'),
          undefined,
        );
      }
      request.rawBody = body;
      try {
        done(null, parseBracketForm(body.toString('utf8')));
      } catch (error) {
        done(
          new DomainError('REQUEST.MALFORMED_FORM', 'validation', (error as Error).message),
          undefined,
        );
      }
    },
  );
}

export function parseBracketForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let fields = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    if ((fields += 1) > MAX_FIELDS) throw new Error(`More than ${MAX_FIELDS} form fields`);
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) throw new Error('Malformed form key');
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    if (path.length > MAX_DEPTH) throw new Error(`Form keys nest deeper than ${MAX_DEPTH}`);
    if (path.some((segment) => FORBIDDEN_KEYS.has(segment))) throw new Error('Forbidden form key');
    let node = root;
    path.forEach((segment, i) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (i === path.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next !== 'object' || next === null) {
        node[name] = Object.create(null) as Record<string, unknown>;
      }
      node = node[name] as Record<string, unknown>;
    });
  }
  return JSON.parse(JSON.stringify(root)) as Record<string, unknown>;
}
