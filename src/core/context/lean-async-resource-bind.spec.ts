import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { bindDefinesAsyncResource, useLeanAsyncResourceBind } from './lean-async-resource-bind';

describe('useLeanAsyncResourceBind', () => {
  const requests = new AsyncLocalStorage<string>();

  beforeAll(() => useLeanAsyncResourceBind());

  it('leaves bound functions without the deprecated asyncResource property', () => {
    expect(bindDefinesAsyncResource(AsyncResource.prototype.bind)).toBe(false);
    const bound = AsyncResource.bind(() => undefined);
    expect(Object.getOwnPropertyNames(bound)).not.toContain('asyncResource');
  });

  it("runs the function in the context it was bound in, with the caller's this", () => {
    const bound = requests.run('request-1', () =>
      AsyncResource.bind(function (this: unknown, a: number, b: number) {
        return { request: requests.getStore(), x: (this as { x: number }).x, sum: a + b };
      }),
    );
    const result = requests.run('request-2', () => bound.call({ x: 7 }, 1, 2));
    expect(result).toEqual({ request: 'request-1', x: 7, sum: 3 });
    expect(bound).toHaveLength(2);
  });

  it('binds this to thisArg when one is given, on an instance as on the static helper', () => {
    function storeAndX(this: unknown) {
      return [requests.getStore(), (this as { x: number }).x];
    }
    // Node's typings leave out the instance method's thisArg.
    const resource = requests.run('request-1', () => new AsyncResource('test')) as unknown as {
      bind(fn: typeof storeAndX, thisArg: unknown): () => unknown;
    };
    const onInstance = resource.bind(storeAndX, { x: 1 });
    const onStatic = requests.run('request-1', () =>
      AsyncResource.bind(storeAndX, 'test', { x: 2 }),
    ) as () => unknown;
    expect(onInstance()).toEqual(['request-1', 1]);
    expect(requests.run('request-2', () => onStatic())).toEqual(['request-1', 2]);
  });

  it('passes a throw through and refuses what is not a function', () => {
    const bound = AsyncResource.bind(() => {
      throw new Error('boom');
    });
    expect(() => bound()).toThrow('boom');
    // By message: an app built by another test file in this worker may have installed its own.
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(/must be of type function/);
  });

  it('installs once', () => {
    const installed = AsyncResource.prototype.bind;
    useLeanAsyncResourceBind();
    expect(AsyncResource.prototype.bind).toBe(installed);
  });
});
