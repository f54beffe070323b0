import type { FastifyInstance } from 'fastify';
import { parse } from 'secure-json-parse';
import { DomainError } from '@core/errors/domain-error';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received: webhook signatures are computed over these bytes. */
    rawBody?: Buffer;
  }
}

/**
 * The only body parser: JSON (`application/json` and `application/*+json`). Every other
 * content type is refused with 415 by Fastify. The raw bytes are kept for signature checks,
 * and `__proto__`/`constructor` keys are refused (prototype poisoning).
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
      try {
        done(null, parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        done(malformed(`Body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    },
  );
}

function malformed(detail: string): DomainError {
  return new DomainError('REQUEST.MALFORMED_JSON', 'validation', detail);
}
