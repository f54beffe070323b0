/**
 * Runs a bulk clean-up as a series of small statements: `step(limit)` handles at most `limit`
 * rows and says how many it handled; it is called again until a batch comes back short or
 * `maxBatches` have run. Small batches keep row locks and WAL bursts short; the cap bounds one
 * run, and a larger backlog is finished by the next runs. Returns the rows handled in all.
 */
export async function inBatches(
  step: (limit: number) => Promise<number>,
  { batchSize = 1_000, maxBatches = 50 }: { batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const handled = await step(batchSize);
    total += handled;
    if (handled < batchSize) break;
  }
  return total;
}
