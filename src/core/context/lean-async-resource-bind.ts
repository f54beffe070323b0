import { AsyncResource } from 'node:async_hooks';

type Bound = (this: unknown, ...args: unknown[]) => unknown;
type Bind = (this: AsyncResource, fn: Bound, thisArg?: unknown) => unknown;

/**
 * AsyncResource#bind as Node 20 has it, without the `asyncResource` property it defines on
 * every bound function. That property is deprecated (DEP0172) and gone from Node's main line;
 * Node 20 still builds it with two util.deprecate wrappers per call, which cost ~9 us a bind
 * against ~0.5 us for the binding itself (nodejs/node#58218, fixed in v24 by #59195). Fastify
 * binds the body parser's callback of every request with a body, and Nest every step of its
 * interceptor chain: 1 bind per webhook delivery, 3 per API request, measured in the intake
 * and outbound profiles (`deprecate` under `bind`). Nothing in the dependency tree reads the
 * property.
 *
 * The bound function runs `fn` in the resource's async context exactly as before: with the
 * caller's `this` unless `thisArg` is given, its arguments and its return value, and keeps
 * `fn`'s length.
 */
function leanBind(this: AsyncResource, fn: Bound, thisArg?: unknown) {
  return bindTo(this, fn, thisArg);
}

function bindTo(resource: AsyncResource, fn: Bound, thisArg: unknown): Bound {
  if (typeof fn !== 'function') {
    throw new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
  }
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : (...args: unknown[]) => resource.runInAsyncScope(fn, thisArg, ...args);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    value: fn.length,
    writable: false,
  });
  return bound;
}

/** True where this runtime's bind still defines the deprecated property (Node before the fix). */
export function bindDefinesAsyncResource(bind: Bind): boolean {
  const bound = bind.call(new AsyncResource('omnihub-probe'), () => undefined) as object;
  return Object.getOwnPropertyDescriptor(bound, 'asyncResource') !== undefined;
}

/**
 * Installs leanBind as AsyncResource#bind (also behind the static AsyncResource.bind) where
 * the runtime's own still defines the deprecated property; elsewhere it leaves Node's alone.
 * Process-wide and idempotent: call it before the application serves.
 */
export function useLeanAsyncResourceBind(): void {
  const prototype = AsyncResource.prototype as unknown as { bind: Bind };
  if (prototype.bind === leanBind || !bindDefinesAsyncResource(prototype.bind)) return;
  prototype.bind = leanBind;
}
