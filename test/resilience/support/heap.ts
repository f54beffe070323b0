import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Heap in use after a full garbage collection. Jest cannot pass --expose-gc to one test file,
 * but V8 accepts the flag at run time and a fresh context then has `gc`. The collection is run
 * twice because the first one may only queue finalizers that free more.
 */
export async function heapUsedAfterGc(): Promise<number> {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 2; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    collect();
  }
  return process.memoryUsage().heapUsed;
}
