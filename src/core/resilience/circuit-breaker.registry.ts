import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { DomainError, UnavailableError } from '@core/errors/domain-error';
import { BreakerKey, breakerId, describeBreaker } from './breaker-key';
import { CallStats, outcomeOfCall } from './call-stats';
import { CircuitBoard } from './circuit-board';
import { CircuitResetChannel } from './circuit-reset.channel';
import { PodIdentity } from './pod-identity';
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

/** A transition of one of this pod's breakers, as `onTransition` listeners receive it. */
export interface CircuitTransitionEvent {
  key: BreakerKey;
  from: CircuitStateName;
  to: CircuitStateName;
  /** The breaker's settings (how many failures open it, how long until a probe). */
  settings: BreakerSettings;
  /** This pod (PodIdentity.id): each pod reports its own breakers. */
  pod: string;
  at: Date;
  /** Stable code of what opened the circuit (transitions to `open` only). */
  cause?: string;
  /** True when an operator's reset closed it (here or announced by another pod). */
  reset: boolean;
}

export type CircuitTransitionListener = (event: CircuitTransitionEvent) => void;

/**
 * Circuit breakers per (hub, provider, account), created on first use with the hub's settings
 * from config (hubs without their own settings use WhatsApp's). State is per instance; a
 * manual reset is shared through Redis pub/sub, and every transition is written to the shared
 * CircuitBoard (the cluster's view), logged, exported as `hub_circuit_state` and handed to the
 * in-process `onTransition` listeners. Every call through `execute` feeds CallStats.
 */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly logger = new Logger(CircuitBreakerRegistry.name);
  private readonly circuits = new Map<string, TrackedCircuit>();
  private readonly listeners = new Set<CircuitTransitionListener>();

  constructor(
    private readonly config: AppConfig,
    private readonly resets: CircuitResetChannel,
    @InjectMetric(HUB_CIRCUIT_STATE) private readonly gauge: Gauge<CircuitLabels>,
    private readonly board: CircuitBoard,
    private readonly stats: CallStats,
    private readonly pod: PodIdentity,
  ) {
    resets.onReset((key) => this.resetLocally(key, 'announced by another instance'));
  }

  /**
   * Runs `fn` through the key's breaker; throws CircuitOpenError without calling it if open.
   * Calls that ran are sampled into CallStats; short-circuited ones are not calls.
   */
  execute<T>(key: BreakerKey, fn: () => Promise<T>): Promise<T> {
    return this.circuit(key).execute(async () => {
      const started = performance.now();
      try {
        const result = await fn();
        this.stats.record(key, 'success', performance.now() - started);
        return result;
      } catch (error) {
        this.stats.record(key, outcomeOfCall(error), performance.now() - started, error);
        throw error;
      }
    });
  }

  /**
   * Calls `listener` synchronously on every transition of this pod's breakers (resets
   * included). Returns the unsubscribe function. A throwing listener is logged and skipped:
   * it must never break the platform call that caused the transition. For the cluster's
   * transitions read CircuitBoard (its stream) instead.
   */
  onTransition(listener: CircuitTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      // Dead pods' entries go too; live pods write their own `closed` as the reset reaches them.
      await this.board.clear(key);
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
    this.announce({
      key,
      from: previous.state,
      to: 'closed',
      settings: previous.settings,
      reset: true,
    });
    this.logger.log(
      { circuit: describeBreaker(key), from: previous.state, reason },
      `Circuit ${describeBreaker(key)} closed (${reason})`,
    );
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

  private announce(event: Omit<CircuitTransitionEvent, 'pod' | 'at'>): void {
    const full: CircuitTransitionEvent = { ...event, pod: this.pod.id, at: new Date() };
    this.board.publish({ ...event.key, from: event.from, to: event.to, cause: event.cause });
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (error) {
        this.logger.error({ err: error }, 'A circuit transition listener failed');
      }
    }
  }

  private report({ key, from, state, settings, cause }: CircuitTransition): void {
    this.gauge.set(labels(key), CIRCUIT_STATE_VALUE[state]);
    const circuit = describeBreaker(key);
    const code =
      state === 'open'
        ? cause instanceof DomainError
          ? cause.code
          : (cause as Error | undefined)?.name
        : undefined;
    this.announce({ key, from, to: state, settings, cause: code, reset: false });
    if (state === 'open') {
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
  }
}

function labels(key: BreakerKey): Record<CircuitLabels, string> {
  return { hub: key.hub, provider: key.provider, account: key.account };
}
