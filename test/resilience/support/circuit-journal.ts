import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { PlatformError } from '@core/errors/platform-error';
import { CIRCUIT_STATE_VALUE, HUB_CIRCUIT_STATE } from '@core/resilience/resilience.metrics';
import type { CircuitStateName } from '@core/resilience/tracked-circuit';

export interface StateEntry {
  kind: 'state';
  state: CircuitStateName;
  at: number;
}

export interface CallEntry {
  kind: 'call';
  /** What the call was about (e.g. the message text), from `labelOf`. */
  label: string;
  at: number;
  /** Once settled, as the caller saw it: 'ok', or the PlatformError's failure ('timeout'...). */
  outcome?: string;
}

export type JournalEntry = StateEntry | CallEntry;

export interface CircuitJournal {
  readonly entries: readonly JournalEntry[];
  calls(): CallEntry[];
  /** Circuit states reported through hub_circuit_state since entry `from`, in order. */
  statesSince(from: number): CircuitStateName[];
  /** Calls made while the circuit was reported open (half-open probes excepted): must be none. */
  callsWhileOpen(): number;
  /** The most calls let through during one half-open period: a probe is one call. */
  mostCallsInOneHalfOpen(): number;
  stop(): void;
}

const STATE_OF_VALUE = new Map<number, CircuitStateName>(
  Object.entries(CIRCUIT_STATE_VALUE).map(([state, value]) => [value, state as CircuitStateName]),
);

/**
 * One ordered record of a provider account's circuit and the platform calls it let through,
 * in the app under test: every `hub_circuit_state` change for `account` (the metric operators
 * alert on) and every call of `provider[method]`, which the circuit wraps. Both are recorded
 * synchronously on the one JavaScript thread, so their order is exact.
 *
 * cockatiel starts a half-open probe before it reports the half-open state (`halfOpen(fn)` runs
 * `fn` up to its first await, then the state change is emitted), so a call directly followed
 * by 'half-open' is that period's probe, not a call through an open circuit.
 */
export function recordCircuit<T extends object>(
  app: NestFastifyApplication,
  account: string,
  provider: T,
  method: keyof T & string,
  labelOf: (...args: unknown[]) => string,
): CircuitJournal {
  const entries: JournalEntry[] = [];
  const gauge = app.get<Gauge<'hub' | 'provider' | 'account'>>(getToken(HUB_CIRCUIT_STATE));
  const setState = gauge.set.bind(gauge) as (...args: unknown[]) => void;
  const setSpy = jest.spyOn(gauge, 'set').mockImplementation((...args: unknown[]) => {
    const [labels, value] = args as [Partial<Record<string, string>>, number];
    const state = STATE_OF_VALUE.get(value);
    if (labels?.account === account && state)
      entries.push({ kind: 'state', state, at: Date.now() });
    setState(...args);
  });
  const call = (provider[method] as (...args: unknown[]) => Promise<unknown>).bind(provider);
  const callSpy = jest.spyOn(provider, method as never).mockImplementation(((
    ...args: unknown[]
  ) => {
    const entry: CallEntry = { kind: 'call', label: labelOf(...args), at: Date.now() };
    entries.push(entry);
    const result = call(...args);
    result.then(
      () => (entry.outcome = 'ok'),
      (error: unknown) =>
        (entry.outcome = error instanceof PlatformError ? error.failure : 'error'),
    );
    return result;
  }) as never);

  const walk = () => {
    let state: CircuitStateName = 'closed';
    let whileOpen = 0;
    let inHalfOpen = 0;
    let mostInHalfOpen = 0;
    entries.forEach((entry, i) => {
      if (entry.kind === 'state') {
        state = entry.state;
        inHalfOpen = entry.state === 'half-open' ? inHalfOpen : 0;
        return;
      }
      const next = entries[i + 1];
      const isProbe = next?.kind === 'state' && next.state === 'half-open';
      if (isProbe) {
        inHalfOpen = 1;
        mostInHalfOpen = Math.max(mostInHalfOpen, inHalfOpen);
      } else if (state === 'open') {
        whileOpen += 1;
      } else if (state === 'half-open') {
        inHalfOpen += 1;
        mostInHalfOpen = Math.max(mostInHalfOpen, inHalfOpen);
      }
    });
    return { whileOpen, mostInHalfOpen };
  };

  return {
    entries,
    calls: () => entries.filter((entry): entry is CallEntry => entry.kind === 'call'),
    statesSince: (from) =>
      entries
        .slice(from)
        .filter((entry): entry is StateEntry => entry.kind === 'state')
        .map((entry) => entry.state),
    callsWhileOpen: () => walk().whileOpen,
    mostCallsInOneHalfOpen: () => walk().mostInHalfOpen,
    stop: () => {
      setSpy.mockRestore();
      callSpy.mockRestore();
    },
  };
}
