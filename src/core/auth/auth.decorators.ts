import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'omnihub:public';
export const REQUIRED_ROLE = 'omnihub:role';

/** No credentials needed (health, metrics, platform webhooks that authenticate by signature). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Routes default to the `tenant` role; ops routes say `@RequireRole('admin')`. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().principal,
);

/** The calling tenant's id. Only valid on tenant routes (AuthGuard guarantees a tenant). */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (principal?.role !== 'tenant')
    throw new Error('@TenantId() used on a route that is not tenant-scoped');
  return principal.tenantId;
});
