import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, Observable } from 'rxjs';
import { AuditContext, AuditContextInterceptor, AuditContextStore } from './audit-context';

describe('AuditContextInterceptor', () => {
  const httpContext = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', principal: { role: 'admin' } }) }),
  } as unknown as ExecutionContext;

  it("runs a handler in its caller's context, held until its answer", async () => {
    const store = new AuditContextStore();
    let releaseLingering!: () => void;
    const lingering = new Promise<void>((resolve) => (releaseLingering = resolve));
    let afterAnswer: Promise<AuditContext | undefined> | undefined;
    const handler: CallHandler = {
      handle: () => {
        // work the handler leaves running past its answer
        afterAnswer = lingering.then(() => store.current());
        return new Observable((subscriber) => {
          void Promise.resolve().then(() => {
            subscriber.next(store.current());
            subscriber.complete();
          });
        });
      },
    };
    const seen = await lastValueFrom(
      new AuditContextInterceptor(store).intercept(httpContext, handler),
    );
    expect(seen).toEqual({ actor: { kind: 'admin', id: null }, requestId: 'req-1' });
    releaseLingering();
    expect(await afterAnswer).toBeUndefined();
  });
});
