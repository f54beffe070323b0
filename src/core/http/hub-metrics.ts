import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { isPlatformFault } from '@core/errors/platform-error';

export const HUB_REQUESTS_TOTAL = 'hub_requests_total';
export const HUB_REQUEST_DURATION = 'hub_request_duration_seconds';

/**
 * Outcome label of a platform call. docker/prometheus/rules.yml alerts on the share of
 * non-`success` calls; the split tells an outage (retryable) from bad requests (permanent).
 */
export type HubRequestOutcome = 'success' | 'retryable_error' | 'permanent_error';

export function outcomeOf(error: unknown): HubRequestOutcome {
  return isPlatformFault(error) ? 'retryable_error' : 'permanent_error';
}

const labelNames = ['hub', 'operation', 'outcome'];

export const hubMetricProviders = [
  makeCounterProvider({
    name: HUB_REQUESTS_TOTAL,
    help: 'Outbound platform calls, by hub, operation and outcome',
    labelNames,
  }),
  makeHistogramProvider({
    name: HUB_REQUEST_DURATION,
    help: 'Outbound platform call duration in seconds, by hub, operation and outcome',
    labelNames,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
];
