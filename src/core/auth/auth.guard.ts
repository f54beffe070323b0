import { AppConfig } from '@config/app-config';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthenticatedError } from '@core/errors/domain-error';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { presentedCredential } from './credentials';
import { JwtVerifier } from './jwt-verifier';
import { Principal, Role } from './principal';
import { TenantDirectory } from './tenant-directory';

/**
 * Global guard: every route needs a credential unless marked @Public(). The resolved
 * Principal is attached to the request for the throttler (per-tenant buckets) and handlers.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKeyDigest: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly directory: TenantDirectory,
    private readonly jwt: JwtVerifier,
    config: AppConfig,
  ) {
    this.adminKeyDigest = sha256(config.auth.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;

    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? 'tenant';
    if (principal.role !== required) {
      throw new ForbiddenError(
        required === 'admin'
          ? 'This route needs the admin key'
          : 'This route needs a tenant credential',
      );
    }
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const credential = presentedCredential(request);
    if (!credential) {
      throw new UnauthenticatedError(
        'Send a key as "Authorization: Bearer <key>" or "X-Api-Key", or a JWT',
      );
    }
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
    if (timingSafeEqual(sha256(credential.key), this.adminKeyDigest)) return { role: 'admin' };
    const resolved = await this.directory.resolveApiKey(credential.key);
    if (!resolved)
      throw new UnauthenticatedError('Unknown or revoked API key', 'AUTH.INVALID_API_KEY');
    return { role: 'tenant', via: 'api-key', ...resolved };
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
