import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CircuitBreakerInterceptor } from './circuit-breaker.interceptor';
import { GUARDED_BY_CIRCUIT, GuardedByCircuitOptions } from './guarded-by-circuit.options';

export type { GuardedByCircuitOptions } from './guarded-by-circuit.options';

/**
 * For synchronous endpoints that call a platform: while the account's circuit is open, answer
 * 503 + Retry-After at once, before the handler does any work. The handler still makes its
 * platform call through `CircuitBreakerRegistry.execute` (or `ResilientCaller`), which is
 * what counts failures and lets the half-open probe through; this only refuses early.
 */
export const GuardedByCircuit = (options: GuardedByCircuitOptions) =>
  applyDecorators(
    SetMetadata(GUARDED_BY_CIRCUIT, options),
    UseInterceptors(CircuitBreakerInterceptor),
  );
