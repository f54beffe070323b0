import { AppConfig } from '@config/app-config';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '@core/errors/domain-error';
import { ACCEPTED_CREDENTIALS, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { clientAddressBucket } from './client-address';
import { PresentedCredential, credentialBucket, presentedCredential } from './credentials';
import { JwtVerifier } from './jwt-verifier';
import { CredentialKind, Principal, Role } from './principal';
import { StaticToken } from './static-token';
import { TenantDirectory } from './tenant-directory';

/**
 * Global guard: every route needs a credential unless marked @Public(). The resolved
 * Principal is attached to the request for the throttler (per-tenant buckets) and handlers.
 * Failed attempts are counted per client address and credential (AuthFailureLimiter).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKey: StaticToken;

  constructor(
    private readonly reflector: Reflector,
    private readonly directory: TenantDirectory,
    private readonly jwt: JwtVerifier,
    private readonly failures: AuthFailureLimiter,
    config: AppConfig,
  ) {
    this.adminKey = new StaticToken(config.auth.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;

    const allowed = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLE, targets) ?? ['tenant'];
    if (!allowed.includes(principal.role)) {
      throw new ForbiddenError(
        allowed.includes('admin')
          ? 'This route needs the admin key'
          : 'This route needs a tenant credential',
      );
    }
    const accepted = this.reflector.getAllAndOverride<CredentialKind[]>(
      ACCEPTED_CREDENTIALS,
      targets,
    );
    if (accepted && !accepted.includes(principal.via)) {
      throw new ForbiddenError(
        `This route takes only ${accepted.join(' or ')} credentials, not a ${principal.via}`,
        'AUTH.CREDENTIAL_NOT_ACCEPTED',
      );
    }
    return true;
  }

  /** The caller behind the request's credentials (also for routes that authenticate themselves). */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    const credential = presentedCredential(request);
    if (!credential) {
      throw new UnauthenticatedError(
        'Send a key as "Authorization: Bearer <key>" or "X-Api-Key", or a JWT',
      );
    }
    const attempt = {
      address: clientAddressBucket(request.ip),
      credential: credentialBucket(credential),
    };
    this.failures.refuseIfBlocked(attempt);
    try {
      return await this.verify(credential);
    } catch (error) {
      if (error instanceof UnauthenticatedError) await this.failures.recordFailure(attempt);
      throw error;
    }
  }

  private async verify(credential: PresentedCredential): Promise<Principal> {
    if (credential.kind === 'jwt') {
      const { tenantId, subject } = await this.jwt.verify(credential.token);
      if (!(await this.directory.isActiveTenant(tenantId))) {
        throw new UnauthenticatedError(
          'Token names an unknown or suspended tenant',
          'AUTH.INVALID_TOKEN',
        );
      }
      return { role: 'tenant', tenantId, via: 'jwt', subject };
    }
    if (this.adminKey.matches(credential.key)) return { role: 'admin', via: 'admin-key' };
    const resolved = await this.directory.resolveApiKey(credential.key);
    if (!resolved)
      throw new UnauthenticatedError('Unknown or revoked API key', 'AUTH.INVALID_API_KEY');
    return { role: 'tenant', via: 'api-key', ...resolved };
  }
}
