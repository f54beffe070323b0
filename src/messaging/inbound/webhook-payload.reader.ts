/**
 * Defensive readers for platforms' webhook JSON (Meta, Evolution, whatever comes next). A
 * payload is untrusted input whose shape its platform extends without notice, so every field
 * is read as `unknown` and checked where it is used.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty string (Meta, for one, sends ids and timestamps as strings). */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Numbers sent either as JSON numbers or as numeric strings (Meta's coordinates and codes). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A unix-seconds `timestamp`, as a number or a numeric string (Meta, Evolution). */
export function unixSecondsToDate(value: unknown): Date | undefined {
  const seconds = asNumber(value);
  return seconds === undefined || seconds <= 0 ? undefined : new Date(seconds * 1000);
}

/** Drops undefined fields so stored content holds only what the platform actually sent. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
