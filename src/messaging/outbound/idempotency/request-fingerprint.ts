import { createHash } from 'node:crypto';

/**
 * What "the same request" means for an Idempotency-Key: the route and the validated request,
 * as canonical JSON (keys sorted at every level, absent fields left out), hashed. Key order,
 * whitespace and fields the validation strips do not count; any value that changes what would
 * be sent, or where to, does.
 */
export function requestFingerprint(route: string, request: object): string {
  return createHash('sha256')
    .update(canonicalJson([route, request]))
    .digest('base64url');
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}
