import { createHash } from 'node:crypto';

/**
 * The instance's name on the shared Evolution server: `oh-<tenant tag>-<tenant's name>`.
 * The tag hashes the tenant id rather than taking its first characters: tenant ids are UUIDv7,
 * whose leading hex digits are a timestamp, so tenants created close together would share them.
 *
 * A tenant only ever picks the part after the tag, so it cannot name (and attach to) an instance
 * in another tenant's namespace; the provider's ownership proof holds every connect to that.
 * Two tenants could share a tag only by a 40-bit hash collision of server-made ids, and even
 * then the unique (hub, provider, external_id) makes the second connect a 409, not a takeover.
 */
export function evolutionInstanceName(tenantId: string, name: string): string {
  const tag = createHash('sha256').update(tenantId).digest('hex').slice(0, 10);
  return `oh-${tag}-${name}`;
}
