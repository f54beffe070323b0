import { AppConfig } from '@config/app-config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@core/redis/redis.module';
import { BreakerKey, breakerId, isBreakerKey } from './breaker-key';
import { PodIdentity } from './pod-identity';
import type { CircuitStateName } from './tracked-circuit';

/** One pod's circuit for one provider account, as it published it. */
export interface PodCircuitState {
  pod: string;
  state: CircuitStateName;
  /** When the pod's circuit entered `state`. */
  since: string;
}

/** One provider account's circuit across the cluster. */
export interface ClusterCircuit extends BreakerKey {
  /** The worst state any live pod reports: one pod giving up on an account is news. */
  state: CircuitStateName;
  pods: PodCircuitState[];
}

/** A transition as every pod publishes it on the shared stream. */
export interface PublishedTransition extends BreakerKey {
  pod: string;
  from: CircuitStateName;
  to: CircuitStateName;
  at: string;
  /** Stable error code of what opened the circuit (transitions to `open` only). */
  cause?: string;
}

const HEARTBEAT_MS = 10_000;
/** A pod that has not refreshed its heartbeat this long is gone; its circuits are ignored. */
const POD_TTL_MS = 30_000;
/** Transitions kept on the stream (approximate trim: cheap, and history is for operators). */
const STREAM_MAX_LENGTH = 10_000;
const SEVERITY: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The cluster's view of circuit breakers. Breakers live in each pod's memory; every pod writes
 * its transitions here so any pod can answer for all of them:
 * - hash `<prefix>:circuits:state`, field `<breaker id>|<pod>` → the pod's current state;
 * - stream `<prefix>:circuits:transitions` (fields hub, provider, account, pod, from, to, at,
 *   cause), the history other modules (alerts) may read with XREAD/XRANGE;
 * - key `<prefix>:pods:<pod>`, a heartbeat, so a crashed pod's last "open" does not stay forever.
 * Writes never block a platform call: they are queued on the shared client and a failure is
 * logged (the pod's own breaker still works; only the shared view lags).
 */
@Injectable()
export class CircuitBoard implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CircuitBoard.name);
  private heartbeat?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly pod: PodIdentity,
  ) {}

  get stateKey(): string {
    return `${this.config.redis.prefix}:circuits:state`;
  }

  get streamKey(): string {
    return `${this.config.redis.prefix}:circuits:transitions`;
  }

  private podKey(pod: string): string {
    return `${this.config.redis.prefix}:pods:${pod}`;
  }

  async onModuleInit(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** A pod shutting down takes its circuits off the board: they die with it. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    try {
      const fields = await this.redis.hkeys(this.stateKey);
      const mine = fields.filter((field) => field.endsWith(`|${this.pod.id}`));
      const pipeline = this.redis.pipeline().del(this.podKey(this.pod.id));
      if (mine.length > 0) pipeline.hdel(this.stateKey, ...mine);
      await pipeline.exec();
    } catch (error) {
      this.logger.warn(`Could not clear this pod's circuits: ${(error as Error).message}`);
    }
  }

  /** Records this pod's transition; never throws. */
  publish(transition: Omit<PublishedTransition, 'pod' | 'at'>): void {
    const at = new Date().toISOString();
    const { hub, provider, account, from, to, cause } = transition;
    const key = { hub, provider, account };
    const value: PodCircuitState & BreakerKey = { ...key, pod: this.pod.id, state: to, since: at };
    const fields = ['hub', hub, 'provider', provider, 'account', account, 'pod', this.pod.id];
    fields.push('from', from, 'to', to, 'at', at, ...(cause ? ['cause', cause] : []));
    this.redis
      .pipeline()
      .hset(this.stateKey, this.field(key, this.pod.id), JSON.stringify(value))
      .xadd(this.streamKey, 'MAXLEN', '~', STREAM_MAX_LENGTH, '*', ...fields)
      .exec()
      .catch((error: Error) =>
        this.logger.warn(`Circuit transition not shared with other pods: ${error.message}`),
      );
  }

  /** Drops every pod's entry for `key` (after a cluster-wide reset, dead pods' ones too). */
  async clear(key: BreakerKey): Promise<void> {
    const prefix = `${breakerId(key)}|`;
    const fields = (await this.redis.hkeys(this.stateKey)).filter((f) => f.startsWith(prefix));
    if (fields.length > 0) await this.redis.hdel(this.stateKey, ...fields);
  }

  /** Every circuit some live pod has, with its worst state first in mind. */
  async cluster(): Promise<ClusterCircuit[]> {
    const entries = await this.redis.hgetall(this.stateKey);
    const parsed = Object.values(entries).flatMap((raw) => parseEntry(raw));
    const pods = [...new Set(parsed.map((entry) => entry.pod))];
    const alive = await this.livePods(pods);
    const byBreaker = new Map<string, ClusterCircuit>();
    for (const entry of parsed) {
      if (!alive.has(entry.pod)) continue;
      const key = { hub: entry.hub, provider: entry.provider, account: entry.account };
      const id = breakerId(key);
      const circuit = byBreaker.get(id) ?? {
        ...key,
        state: 'closed' as CircuitStateName,
        pods: [],
      };
      circuit.pods.push({ pod: entry.pod, state: entry.state, since: entry.since });
      if (SEVERITY[entry.state] > SEVERITY[circuit.state]) circuit.state = entry.state;
      byBreaker.set(id, circuit);
    }
    return [...byBreaker.values()];
  }

  /** The latest transitions, newest first (the stream's tail). */
  async recent(count = 100): Promise<PublishedTransition[]> {
    const rows = await this.redis.xrevrange(this.streamKey, '+', '-', 'COUNT', count);
    return rows.map(([, flat]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
      return record as unknown as PublishedTransition;
    });
  }

  private async livePods(pods: string[]): Promise<Set<string>> {
    if (pods.length === 0) return new Set();
    const exists = await this.redis.mget(...pods.map((pod) => this.podKey(pod)));
    return new Set(pods.filter((_, index) => exists[index] !== null));
  }

  private field(key: BreakerKey, pod: string): string {
    return `${breakerId(key)}|${pod}`;
  }

  private async beat(): Promise<void> {
    try {
      await this.redis.set(this.podKey(this.pod.id), '1', 'PX', POD_TTL_MS);
    } catch (error) {
      this.logger.warn(`Pod heartbeat not written: ${(error as Error).message}`);
    }
  }
}

function parseEntry(raw: string): (PodCircuitState & BreakerKey)[] {
  try {
    const value = JSON.parse(raw) as Partial<PodCircuitState> & Record<string, unknown>;
    if (!isBreakerKey(value) || typeof value.pod !== 'string' || !(value.state! in SEVERITY)) {
      return [];
    }
    return [value as PodCircuitState & BreakerKey];
  } catch {
    return [];
  }
}
