import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  IDisposable,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { isPlatformFault } from '@core/errors/platform-error';
import { BreakerKey } from './breaker-key';
import { CircuitOpenError } from './circuit-open.error';

export type CircuitStateName = 'closed' | 'half-open' | 'open';

export interface BreakerSettings {
  failureThreshold: number;
  halfOpenAfterMs: number;
}

export interface CircuitTransition {
  key: BreakerKey;
  from: CircuitStateName;
  state: CircuitStateName;
  settings: BreakerSettings;
  /** What opened the circuit (only on transitions to `open`). */
  cause?: unknown;
}

/**
 * One cockatiel breaker for one provider account. cockatiel owns the state machine; this adds
 * what cockatiel keeps private: when the circuit opened, so callers get a Retry-After.
 *
 * Only platform faults count (timeouts, network, 5xx, 429, sends left without an answer:
 * isPlatformFault). A permanent 4xx is the caller's problem, not the provider's, so it neither
 * counts nor resets the consecutive count;
 * on a half-open probe it proves the provider answers, and cockatiel closes the circuit.
 *
 * cockatiel moves from open to half-open lazily, on the first call after `halfOpenAfterMs`:
 * with no traffic the state stays `open`, which is true (no call has shown a recovery).
 */
export class TrackedCircuit {
  private readonly policy: CircuitBreakerPolicy;
  private readonly subscriptions: IDisposable[];
  private openedAt = 0;
  private lastState: CircuitStateName = 'closed';

  constructor(
    readonly key: BreakerKey,
    readonly settings: BreakerSettings,
    onTransition: (transition: CircuitTransition) => void,
  ) {
    this.policy = circuitBreaker(handleWhen(isPlatformFault), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failureThreshold),
    });
    this.subscriptions = [
      this.policy.onStateChange((state) => {
        const name = stateName(state);
        // cockatiel stamps its own openedAt with Date.now() in the same synchronous step.
        if (name === 'open') this.openedAt = Date.now();
        const last = name === 'open' ? this.policy.lastFailure : undefined;
        const cause = last && 'error' in last ? last.error : undefined;
        const from = this.lastState;
        this.lastState = name;
        onTransition({ key, from, state: name, settings, cause });
      }),
    ];
  }

  get state(): CircuitStateName {
    return stateName(this.policy.state);
  }

  /** While open: ms until cockatiel lets a probe through (0 once one is due), else 0. */
  retryAfterMs(now = Date.now()): number {
    if (this.policy.state !== CircuitState.Open) return 0;
    return Math.max(0, this.openedAt + this.settings.halfOpenAfterMs - now);
  }

  /** Throws CircuitOpenError when a call now would be short-circuited. */
  assertCallable(): void {
    const wait = this.retryAfterMs();
    if (wait > 0) throw new CircuitOpenError(this.key, wait);
  }

  async execute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(() => fn());
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new CircuitOpenError(this.key, Math.max(1, this.retryAfterMs()));
      }
      throw error;
    }
  }

  /** Stops reporting transitions; calls still running on this breaker finish unobserved. */
  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function stateName(state: CircuitState): CircuitStateName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'open';
  }
}
