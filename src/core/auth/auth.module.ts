import { Module } from '@nestjs/common';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { JwtVerifier } from './jwt-verifier';

/**
 * Authentication machinery. The app registers AuthGuard as a global guard; the tenants
 * module supplies the TenantDirectory it needs.
 */
@Module({
  providers: [JwtVerifier, AuthFailureLimiter],
  exports: [JwtVerifier, AuthFailureLimiter],
})
export class AuthModule {}

export { AuthGuard };
