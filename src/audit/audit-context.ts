import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { HeldStorage } from '@core/context/held-storage';
import type { Principal } from '@core/auth/principal';
import type { AuditActor } from './audit-entry';

/** The request an audited action happens in: who called, and the correlation id. */
export interface AuditContext {
  actor: AuditActor;
  requestId: string | null;
}

export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { kind: 'system', id: null };
  if (principal.role === 'admin') return { kind: 'admin', id: null };
  if (principal.via === 'api-key') return { kind: 'api_key', id: principal.apiKeyId };
  return { kind: 'jwt', id: principal.subject ?? null };
}

/**
 * Carries the caller of the current HTTP request to AuditTrail through async calls, so a
 * service deep in a module records who acted without every signature on the way taking it.
 * Outside a request (jobs, tasks) there is no context and the actor is `system` unless given.
 * Held only while a request is in flight (HeldStorage: no promise hooks in between).
 */
@Injectable()
export class AuditContextStore extends HeldStorage<AuditContext> {
  constructor() {
    super(new AsyncLocalStorage<AuditContext>());
  }
}

/**
 * Global interceptor: runs each HTTP handler inside its AuditContext (after auth guards), held
 * until its answer is complete.
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  constructor(private readonly store: AuditContextStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const audit: AuditContext = {
      actor: actorOf(request.principal),
      requestId: request.id ? String(request.id) : null,
    };
    return new Observable((subscriber) => {
      const { value: subscription, end } = this.store.enter(audit, () =>
        next.handle().subscribe(subscriber),
      );
      return () => {
        subscription.unsubscribe();
        end();
      };
    });
  }
}
