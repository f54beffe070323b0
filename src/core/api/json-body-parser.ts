import type { FastifyInstance } from 'fastify';
import { parse } from 'secure-json-parse';
import { DomainError } from '@core/errors/domain-error';
import { nestsDeeperThan } from './json-depth';

/**
 * Deepest nesting of objects and arrays a body may have. Platform payloads and our DTOs stay
 * under ten levels; a body nested a thousand levels deep would overflow the stack of
 * class-transformer and answer 500.
 */
export const MAX_JSON_DEPTH = 64;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received: webhook signatures are computed over these bytes. */
    rawBody?: Buffer;
  }
  interface FastifyContextConfig {
    /**
     * True: a JSON body is handed over as bytes only (`rawBody`; `body` stays undefined), for a
     * route that authenticates the bytes before it reads them (parseJsonBody), so a forged
     * delivery is never parsed and a genuine one is parsed once.
     */
    rawJsonBody?: boolean;
  }
}

/**
 * The only body parsers: JSON (`application/json` and `application/*+json`), and CSV
 * (`text/csv`, as a string, for bulk imports). Every other content type is refused with 415
 * by Fastify; a JSON route handed CSV fails its DTO validation. The raw bytes are kept for signature checks,
 * and `__proto__`/`constructor` keys (prototype poisoning) and nesting deeper than
 * MAX_JSON_DEPTH are refused.
 */
export function useJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    /^application\/(?:[\w.+-]+\+)?json$/,
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      request.rawBody = body;
      if (body.length === 0) {
        return done(malformed('Body is empty but Content-Type is JSON'), undefined);
      }
      if (request.routeOptions.config.rawJsonBody) return done(null, undefined);
      if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
        return done(malformed(`Body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      }
      try {
        done(null, parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        done(malformed(`Body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    },
  );
  fastify.addContentTypeParser(
    /^text\/csv(?:\s*;.*)?$/,
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
}

/** A raw JSON body's text: UTF-8, without the byte-order mark JSON.parse and jsonb refuse. */
export function jsonTextOf(rawBody: Buffer): string {
  const text = rawBody.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The JSON of a body its route received raw (`rawJsonBody`) and has authenticated; a body
 * that is not JSON fails as the parser above fails it (400, REQUEST.MALFORMED_JSON). Plain
 * JSON.parse: the checks above guard what merges or recurses over a request's body (DTOs,
 * class-transformer); such a body is only read, and V8 parses any depth without recursing.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(`Body is not valid JSON: ${(error as Error).message}`);
  }
}

function malformed(detail: string): DomainError {
  return new DomainError('REQUEST.MALFORMED_JSON', 'validation', detail);
}
