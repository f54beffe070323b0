import { createHash } from 'node:crypto';

/**
 * The instance's name on the shared Evolution server: `oh-<tenant tag>-<tenant's name>`.
 * The tag hashes the tenant id rather than taking its first characters: tenant ids are UUIDv7,
 * whose leading hex digits are a timestamp, so tenants created close together would share them.
 */
export function evolutionInstanceName(tenantId: string, name: string): string {
  const tag = createHash('sha256').update(tenantId).digest('hex').slice(0, 10);
  return `oh-${tag}-${name}`;
}
