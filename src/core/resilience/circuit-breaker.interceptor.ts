import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { GUARDED_BY_CIRCUIT, GuardedByCircuitOptions } from './guarded-by-circuit.options';

/**
 * Refuses a `@GuardedByCircuit` route with CircuitOpenError (503 problem+json, Retry-After)
 * while its account's circuit is open, without calling the handler. Once a probe is due the
 * request goes through, so the handler's own platform call can be the probe.
 */
@Injectable()
export class CircuitBreakerInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly breakers: CircuitBreakerRegistry,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.getAllAndOverride<GuardedByCircuitOptions | undefined>(
      GUARDED_BY_CIRCUIT,
      [context.getHandler(), context.getClass()],
    );
    if (options) {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const account = accountOf(request, options);
      this.breakers.assertCallable({ hub: options.hub, provider: options.provider, account });
    }
    return next.handle();
  }
}

function accountOf(request: FastifyRequest, options: GuardedByCircuitOptions): string {
  const { accountParam } = options;
  const account =
    typeof accountParam === 'function'
      ? accountParam(request)
      : (request.params as Record<string, string | undefined> | undefined)?.[accountParam];
  if (!account) {
    // A wiring mistake on the route, not a client error: surfaces as a 500.
    throw new Error(`@GuardedByCircuit could not read the account (${String(accountParam)})`);
  }
  return account;
}
