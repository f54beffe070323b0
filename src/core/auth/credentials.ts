import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { visibleKeyPrefix } from './api-key-format';
import { bearerToken } from './bearer-token';

export type PresentedCredential = { kind: 'jwt'; token: string } | { kind: 'api-key'; key: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Reads `Authorization: Bearer <key|jwt>` or `X-Api-Key: <key>`; a JWT is told apart by shape. */
export function presentedCredential(request: FastifyRequest): PresentedCredential | undefined {
  const bearer = bearerToken(request);
  const apiKeyHeader = request.headers['x-api-key'];
  const value = bearer ?? (typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : undefined);
  if (!value) return undefined;
  return bearer && JWT_SHAPE.test(bearer)
    ? { kind: 'jwt', token: bearer }
    : { kind: 'api-key', key: value };
}

/**
 * Which credential a failed attempt counts against: an API key by its visible prefix (what
 * GET /api-keys lists, so a log line or a bucket names the key under attack without holding
 * it), anything else (a JWT, an admin key candidate) by a digest of its own, so one caller's
 * stale token never counts against another's.
 */
export function credentialBucket(credential: PresentedCredential): string {
  const value = credential.kind === 'jwt' ? credential.token : credential.key;
  const prefix = credential.kind === 'api-key' ? visibleKeyPrefix(value) : undefined;
  return prefix ?? `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 24)}`;
}
