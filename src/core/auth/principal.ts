/**
 * Who is calling, and how they proved it (`via`). Attached to the request by AuthGuard; read
 * with @CurrentPrincipal/@TenantId. Routes restrict `via` with @AcceptCredentials.
 */
export type Principal =
  | { role: 'admin'; via: 'admin-key' }
  | { role: 'tenant'; tenantId: string; via: 'api-key'; apiKeyId: string }
  | { role: 'tenant'; tenantId: string; via: 'jwt'; subject?: string };

export type Role = Principal['role'];
export type CredentialKind = Principal['via'];

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
