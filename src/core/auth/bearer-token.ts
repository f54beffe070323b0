import type { FastifyRequest } from 'fastify';

/** The token of `Authorization: Bearer <token>`, if the request carries one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** The password of `Authorization: Basic <base64(user:password)>`, if the request carries one. */
export function basicPassword(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const encoded = typeof header === 'string' ? /^Basic\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
