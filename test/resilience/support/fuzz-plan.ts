import { FIXED_SEEDS, REQUESTS_PER_FIXED_SEED } from './fuzz-seeds';
import { runSeed } from './seeded-random';

/** One seed's share of a run: which case indexes to build from it. */
export interface SeedRun {
  seed: number;
  cases: readonly number[];
}

export interface FuzzPlan {
  /** What the run is, for its summary line. */
  mode: 'fixed-seeds' | 'one-seed' | 'random-seeds';
  /** Seeds in order; a random run draws them lazily, until its count or time is up. */
  seeds(): Iterable<SeedRun>;
  timeoutMs: number;
}

/** Cases per seed of a random or replayed run (the scenario's original size). */
const REQUESTS_PER_SEED = 10_000;
/** Measured ~40 s per 10,000 cases; the rest is slack for a busy machine. */
const MS_PER_SEED = 150_000;

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/**
 * What the malformed-requests scenario runs, from the environment:
 * - `RESILIENCE_SEED=<n>` replays one seed (`RESILIENCE_REQUESTS` cases, default 10,000);
 * - `FUZZ_SEEDS=<n>` or `FUZZ_MINUTES=<m>` (set by `npm run fuzz`) draws fresh seeds, 10,000
 *   cases each, until n seeds ran or m minutes passed;
 * - otherwise (`npm test`) every fixed seed of fuzz-seeds.ts, REQUESTS_PER_FIXED_SEED cases
 *   each plus the cases it once failed on: the same requests on every run.
 */
export function fuzzPlan(env: NodeJS.ProcessEnv = process.env): FuzzPlan {
  const replayed = Number(env.RESILIENCE_SEED);
  if (Number.isInteger(replayed) && replayed > 0) {
    const requests = Number(env.RESILIENCE_REQUESTS) || REQUESTS_PER_SEED;
    return {
      mode: 'one-seed',
      seeds: () => [{ seed: replayed, cases: range(requests) }],
      timeoutMs: Math.max(MS_PER_SEED, (requests / REQUESTS_PER_SEED) * MS_PER_SEED),
    };
  }
  const count = Number(env.FUZZ_SEEDS) || 0;
  const minutes = Number(env.FUZZ_MINUTES) || 0;
  if (count > 0 || minutes > 0) {
    const deadline = Date.now() + minutes * 60_000;
    return {
      mode: 'random-seeds',
      *seeds() {
        for (let n = 0; count > 0 ? n < count : Date.now() < deadline; n += 1) {
          yield { seed: runSeed(), cases: range(REQUESTS_PER_SEED) };
        }
      },
      timeoutMs: count > 0 ? count * MS_PER_SEED : minutes * 60_000 + MS_PER_SEED,
    };
  }
  return {
    mode: 'fixed-seeds',
    seeds: () =>
      FIXED_SEEDS.map(({ seed, cases = [] }) => ({
        seed,
        cases: [...new Set([...range(REQUESTS_PER_FIXED_SEED), ...cases])],
      })),
    timeoutMs: MS_PER_SEED * 2,
  };
}
