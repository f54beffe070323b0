/**
 * Values read moments ago, reused for `reuseMs` instead of read again (0: never reused), for
 * reads on a hot path whose source changes rarely. `forget` drops everything kept, and a read
 * that began before a `forget` is not kept after it (the generation moved on), so a change
 * the owner forgets on is never hidden by a read racing it. Past `maxEntries` the reuse
 * starts over rather than tracking age per entry.
 */
export class BriefReuse<T> {
  private readonly kept = new Map<string, { until: number; value: T }>();
  private generation = 0;

  constructor(
    private readonly reuseMs: number,
    private readonly maxEntries: number,
  ) {}

  /**
   * The value kept under `key`, else `read()`'s, kept when `keep` allows it (and `enabled`,
   * asked again after the read: a reason to stop reusing may have come meanwhile).
   */
  async get(
    key: string,
    read: () => Promise<T>,
    options: { keep?: (value: T) => boolean; enabled?: () => boolean } = {},
  ): Promise<T> {
    const enabled = options.enabled ?? (() => true);
    if (this.reuseMs === 0 || !enabled()) return read();
    const now = Date.now();
    const kept = this.kept.get(key);
    if (kept && kept.until > now) return kept.value;
    const generation = this.generation;
    const value = await read();
    if (generation !== this.generation || !enabled() || options.keep?.(value) === false) {
      return value;
    }
    this.keep(key, value, now);
    return value;
  }

  /**
   * `get` for a read that needs no I/O (opening sealed credentials): the value kept under
   * `key`, else `read()`'s, kept. Nothing can change between its read and its keeping.
   */
  getNow(key: string, read: () => T, enabled: () => boolean = () => true): T {
    if (this.reuseMs === 0 || !enabled()) return read();
    const now = Date.now();
    const kept = this.kept.get(key);
    if (kept && kept.until > now) return kept.value;
    const value = read();
    this.keep(key, value, now);
    return value;
  }

  private keep(key: string, value: T, readAt: number): void {
    if (this.kept.size >= this.maxEntries) this.kept.clear();
    this.kept.set(key, { until: readAt + this.reuseMs, value });
  }

  forget(): void {
    this.generation += 1;
    this.kept.clear();
  }
}
