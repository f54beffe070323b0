/** Who acted: the credential's id, never a name, phone or address. */
export type ActorKind = 'api_key' | 'jwt' | 'admin' | 'platform' | 'system';

export interface AuditActor {
  kind: ActorKind;
  /** API key id, JWT subject, platform name, task name; null when the credential has none. */
  id: string | null;
}

/**
 * What a module hands to AuditTrail.record. `action` is a stable code, `<resource>.<verb>`
 * (`api_key.created`); resource ids are our ids, never personal data.
 */
export interface AuditEntry {
  action: string;
  /** The tenant the action concerns; null for platform-wide actions (their own chain). */
  tenantId: string | null;
  resource: { type: string; id?: string | null };
  /** Defaults to the caller of the current request, or `system` outside a request. */
  actor?: AuditActor;
}

/** A stored row, as the chain hashes it. */
export interface AuditRecord {
  id: string;
  chain: string;
  seq: number;
  tenantId: string | null;
  occurredAt: Date;
  actorKind: ActorKind;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export const PLATFORM_CHAIN = 'platform';

export function chainOf(tenantId: string | null): string {
  return tenantId ?? PLATFORM_CHAIN;
}

export const ACTION_CODE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
