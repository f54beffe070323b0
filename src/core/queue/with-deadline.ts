export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Settles with `work`, or rejects with DeadlineExceededError after `ms`. The work itself is not
 * cancelled (a queued Redis command cannot be), so whatever it does late must be harmless.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  // After the deadline nobody awaits `work`; its late rejection must not surface as unhandled.
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
