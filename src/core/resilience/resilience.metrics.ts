import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const HUB_CIRCUIT_STATE = 'hub_circuit_state';

/** Gauge values of `hub_circuit_state`; docker/prometheus/rules.yml alerts on 2. */
export const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export const resilienceMetrics = [
  makeGaugeProvider({
    name: HUB_CIRCUIT_STATE,
    help: 'Circuit breaker state per provider account: 0 closed, 1 half-open, 2 open',
    labelNames: ['hub', 'provider', 'account'],
  }),
];
