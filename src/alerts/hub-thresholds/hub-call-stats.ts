/**
 * One hub's calls over the evaluation window, summed from every pod's published deltas:
 * counts by outcome (hub_requests_total) and the duration histogram's cumulative buckets
 * (hub_request_duration_seconds, `le` in seconds, `+Inf` last).
 */
export interface HubCallStats {
  calls: number;
  successes: number;
  /** Platform faults: timeouts, network errors, 5xx, 429 (outcome retryable_error). */
  platformFaults: number;
  /** Cumulative count per bucket upper bound, in seconds. */
  buckets: Map<number, number>;
}

export function emptyStats(): HubCallStats {
  return { calls: 0, successes: 0, platformFaults: 0, buckets: new Map() };
}

/**
 * The q-quantile of the window's durations in seconds, the way Prometheus' histogram_quantile
 * estimates it: find the bucket the rank falls in and interpolate linearly inside it (from 0
 * for the first bucket). A rank in the +Inf bucket answers the highest finite bound: the
 * histogram cannot say more, and it is already over any threshold worth setting below it.
 * Undefined without observations.
 */
export function quantileSeconds(
  q: number,
  buckets: ReadonlyMap<number, number>,
): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total =
    buckets.get(Infinity) ?? (bounds.length ? buckets.get(bounds[bounds.length - 1])! : 0);
  if (!total) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      if (count === lowerCount) return bound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
