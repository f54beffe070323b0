import {
  ExecutionContext,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CredentialKind, Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'omnihub:public';
export const REQUIRED_ROLE = 'omnihub:role';
export const ACCEPTED_CREDENTIALS = 'omnihub:credentials';

/** No credentials needed (health, metrics, platform webhooks that authenticate by signature). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Routes default to the `tenant` role; ops routes say `@RequireRole('admin')`. A route both may
 * call (it scopes what it shows by the principal) names both: `@RequireRole('admin', 'tenant')`.
 */
export const RequireRole = (...roles: [Role, ...Role[]]) => SetMetadata(REQUIRED_ROLE, roles);

/**
 * Only these kinds of credential may call the route (default: any the role allows); others are
 * refused with 403 `AUTH.CREDENTIAL_NOT_ACCEPTED`. For actions a browser session must not take,
 * such as minting keys that outlive the session.
 */
export const AcceptCredentials = (...kinds: CredentialKind[]) =>
  applyDecorators(
    SetMetadata(ACCEPTED_CREDENTIALS, kinds),
    ApiResponse({
      status: 403,
      description: `Takes only ${kinds.join(' or ')} credentials; any other is refused with AUTH.CREDENTIAL_NOT_ACCEPTED`,
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDoc' } },
      },
    }),
  );

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
