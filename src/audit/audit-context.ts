import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
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
 */
@Injectable()
export class AuditContextStore {
  private readonly storage = new AsyncLocalStorage<AuditContext>();

  current(): AuditContext | undefined {
    return this.storage.getStore();
  }

  run<T>(context: AuditContext, work: () => T): T {
    return this.storage.run(context, work);
  }
}

/** Global interceptor: runs each HTTP handler inside its AuditContext (after auth guards). */
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
    return new Observable((subscriber) =>
      this.store.run(audit, () => next.handle().subscribe(subscriber)),
    );
  }
}
