/** Collects positional parameters while a query is assembled from optional filters. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder (`$1`, `$2`...). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
