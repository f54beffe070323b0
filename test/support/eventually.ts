/**
 * Retries `probe` until it resolves (an assertion that stops throwing, or a value), for
 * effects that happen asynchronously (a worker, a webhook, a reconnect). Polls every 100 ms
 * and rethrows the last failure after `timeoutMs`: a test waits for behaviour, never for time.
 */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
