import type { FastifyRequest } from 'fastify';

export type PresentedCredential = { kind: 'jwt'; token: string } | { kind: 'api-key'; key: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Reads `Authorization: Bearer <key|jwt>` or `X-Api-Key: <key>`; a JWT is told apart by shape. */
export function presentedCredential(request: FastifyRequest): PresentedCredential | undefined {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  const apiKeyHeader = request.headers['x-api-key'];
  const value = bearer ?? (typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : undefined);
  if (!value) return undefined;
  return bearer && JWT_SHAPE.test(bearer)
    ? { kind: 'jwt', token: bearer }
    : { kind: 'api-key', key: value };
}
