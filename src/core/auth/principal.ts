/** Who is calling. Attached to the request by AuthGuard; read with @CurrentPrincipal/@TenantId. */
export type Principal =
  | { role: 'admin' }
  | { role: 'tenant'; tenantId: string; via: 'api-key'; apiKeyId: string }
  | { role: 'tenant'; tenantId: string; via: 'jwt'; subject?: string };

export type Role = Principal['role'];

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
