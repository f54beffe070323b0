import type { Principal } from '@core/auth/principal';

/** Whose accounts a caller sees: an admin every tenant's, a tenant its own. */
export interface Scope {
  tenantId?: string;
}

export function scopeOf(principal: Principal | undefined): Scope {
  if (!principal) throw new Error('hub routes are authenticated; no principal on the request');
  return principal.role === 'tenant' ? { tenantId: principal.tenantId } : {};
}
