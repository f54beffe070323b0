/**
 * Group commit for concurrent callers: every `submit` made while the event loop handles one
 * burst of I/O joins the same batch, which is flushed once, on `setImmediate` (or as soon as it
 * holds `maxBatch` items). Under load this turns N round trips to PostgreSQL or Redis into one
 * without adding latency when idle: a lone item is flushed on the next turn of the loop.
 *
 * With `maxInFlight`, at most that many flushes run at once; what arrives meanwhile waits for
 * the first of them to finish and then goes as one batch. The batch grows with the load instead
 * of the statements multiplying: each waits in a queue for a pool connection anyway, and
 * PostgreSQL on a few cores commits one 50-row statement for less than five 10-row ones.
 *
 * `flush` answers item by item (PromiseSettledResult, in submission order), so one bad item
 * rejects only its own caller; if `flush` itself throws, every caller in the batch gets that
 * error.
 */
export class MicroBatcher<In, Out> {
  private pending: Pending<In, Out>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly flush: (items: In[]) => Promise<PromiseSettledResult<Out>[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight = Infinity,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flushNow();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushNow());
      }
    });
  }

  private flushNow(): void {
    this.scheduled = false;
    if (!this.pending.length || this.inFlight >= this.maxInFlight) return;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight += 1;
    this.flush(batch.map((entry) => entry.item))
      .then(
        (results) => {
          batch.forEach((entry, index) => {
            const result = results[index];
            if (!result) entry.reject(new Error('Batch flush returned fewer results than items'));
            else if (result.status === 'fulfilled') entry.resolve(result.value);
            else entry.reject(result.reason);
          });
        },
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.flushNow();
      });
  }
}

interface Pending<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/** Every item of a batch gets the same outcome: for flushes that are all-or-nothing. */
export async function sameForAll<Out>(
  count: number,
  run: () => Promise<Out>,
): Promise<PromiseSettledResult<Out>[]> {
  const value = await run();
  return Array.from({ length: count }, () => ({ status: 'fulfilled', value }) as const);
}
