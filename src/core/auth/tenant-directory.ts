/**
 * What authentication needs to know about tenants, without knowing the tenants module:
 * TenantsModule provides the implementation under this abstract class token.
 */
export abstract class TenantDirectory {
  /** The active tenant and key behind a raw API key, or null when unknown, revoked or suspended. */
  abstract resolveApiKey(rawKey: string): Promise<{ tenantId: string; apiKeyId: string } | null>;

  /** True when the tenant exists and is active (JWTs name a tenant; it must still be allowed in). */
  abstract isActiveTenant(tenantId: string): Promise<boolean>;
}
