import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { DomainError, UnavailableError } from '@core/errors/domain-error';
import { BreakerKey, breakerId, describeBreaker } from './breaker-key';
import { CircuitResetChannel } from './circuit-reset.channel';
import { CIRCUIT_STATE_VALUE, HUB_CIRCUIT_STATE } from './resilience.metrics';
import {
  BreakerSettings,
  CircuitStateName,
  CircuitTransition,
  TrackedCircuit,
} from './tracked-circuit';

export interface CircuitSnapshot extends BreakerKey {
  state: CircuitStateName;
  /** While open: ms until a probe call is let through (0 once one is due). */
  retryAfterMs: number;
}

type CircuitLabels = 'hub' | 'provider' | 'account';

/**
 * Circuit breakers per (hub, provider, account), created on first use with the hub's settings
 * from config (hubs without their own settings use WhatsApp's). State is per instance; only a
 * manual reset is shared, through Redis pub/sub. Every transition is logged and exported as
 * `hub_circuit_state`.
 */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly logger = new Logger(CircuitBreakerRegistry.name);
  private readonly circuits = new Map<string, TrackedCircuit>();
  private readonly listeners: ((transition: CircuitTransition) => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly resets: CircuitResetChannel,
    @InjectMetric(HUB_CIRCUIT_STATE) private readonly gauge: Gauge<CircuitLabels>,
  ) {
    resets.onReset((key) => this.resetLocally(key, 'announced by another instance'));
  }

  /**
   * Hears every transition of this instance's breakers, after it is logged and exported (the
   * alerts module listens here). A manual reset of a circuit that was not closed is reported
   * as a transition to `closed`. Listeners must not throw or block: they run inside the call.
   */
  onTransition(listener: (transition: CircuitTransition) => void): void {
    this.listeners.push(listener);
  }

  /** Runs `fn` through the key's breaker; throws CircuitOpenError without calling it if open. */
  execute<T>(key: BreakerKey, fn: () => Promise<T>): Promise<T> {
    return this.circuit(key).execute(fn);
  }

  /** Throws CircuitOpenError if a call for `key` would be short-circuited right now. */
  assertCallable(key: BreakerKey): void {
    this.circuits.get(breakerId(key))?.assertCallable();
  }

  state(key: BreakerKey): CircuitStateName {
    return this.circuits.get(breakerId(key))?.state ?? 'closed';
  }

  list(): CircuitSnapshot[] {
    return [...this.circuits.values()].map((circuit) => ({
      ...circuit.key,
      state: circuit.state,
      retryAfterMs: circuit.retryAfterMs(),
    }));
  }

  /** Closes the circuit here at once, then on every other instance through pub/sub. */
  async reset(key: BreakerKey): Promise<void> {
    this.resetLocally(key, 'manual reset');
    try {
      await this.resets.publish(key);
    } catch (error) {
      this.logger.error(
        { err: error, circuit: describeBreaker(key) },
        'Circuit reset could not be announced to other instances',
      );
      throw new UnavailableError(
        'CIRCUIT.RESET_NOT_PROPAGATED',
        'The circuit was reset on this instance only; other instances could not be told. Try again.',
      );
    }
  }

  private resetLocally(key: BreakerKey, reason: string): void {
    const id = breakerId(key);
    const previous = this.circuits.get(id);
    if (!previous) return;
    // cockatiel has no public reset: a fresh breaker (closed, failure count zero) replaces it.
    previous.dispose();
    this.circuits.set(id, this.track(key, previous.settings));
    this.logger.log(
      { circuit: describeBreaker(key), from: previous.state, reason },
      `Circuit ${describeBreaker(key)} closed (${reason})`,
    );
    if (previous.state !== 'closed') {
      this.notify({ key, from: previous.state, state: 'closed', settings: previous.settings });
    }
  }

  private notify(transition: CircuitTransition): void {
    for (const listener of this.listeners) {
      try {
        listener(transition);
      } catch (error) {
        this.logger.error({ err: error }, 'A circuit transition listener failed');
      }
    }
  }

  private circuit(key: BreakerKey): TrackedCircuit {
    const id = breakerId(key);
    let circuit = this.circuits.get(id);
    if (!circuit) {
      circuit = this.track(key, this.settingsFor(key.hub));
      this.circuits.set(id, circuit);
    }
    return circuit;
  }

  private track(key: BreakerKey, settings: BreakerSettings): TrackedCircuit {
    this.gauge.set(labels(key), CIRCUIT_STATE_VALUE.closed);
    return new TrackedCircuit(key, settings, (transition) => this.report(transition));
  }

  private settingsFor(hub: string): BreakerSettings {
    const breakers = this.config.resilience.breakers;
    return Object.hasOwn(breakers, hub)
      ? breakers[hub as keyof typeof breakers]
      : breakers.whatsapp;
  }

  private report(transition: CircuitTransition): void {
    const { key, from, state, settings, cause } = transition;
    this.gauge.set(labels(key), CIRCUIT_STATE_VALUE[state]);
    const circuit = describeBreaker(key);
    if (state === 'open') {
      const code = cause instanceof DomainError ? cause.code : (cause as Error | undefined)?.name;
      const why =
        from === 'half-open'
          ? 'the probe call failed'
          : `${settings.failureThreshold} consecutive failures`;
      this.logger.warn(
        { circuit, from, state, cause: code, halfOpenAfterMs: settings.halfOpenAfterMs },
        `Circuit ${circuit} opened after ${why} (last: ${code ?? 'unknown'}); ` +
          `next probe in ${settings.halfOpenAfterMs} ms`,
      );
    } else {
      this.logger.log({ circuit, from, state }, `Circuit ${circuit} is ${state} (was ${from})`);
    }
    this.notify(transition);
  }
}

function labels(key: BreakerKey): Record<CircuitLabels, string> {
  return { hub: key.hub, provider: key.provider, account: key.account };
}
