import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const ALERTS_TOTAL = 'alerts_total';
export const ALERT_DELIVERIES_TOTAL = 'alert_deliveries_total';

/**
 * `alerts_total{type,severity}` counts alerts raised (new episodes and reminders after the
 * dedup window), not the raises the window absorbed. `alert_deliveries_total{channel,outcome}`
 * counts attempts per channel kind (slack, discord, webhook, log): delivered, retrying, failed,
 * and `rate_limited` for announcements the per-type limit held back. Call durations are in
 * hub_request_duration_seconds{hub="alerts"}.
 */
export const alertMetrics = [
  makeCounterProvider({
    name: ALERTS_TOTAL,
    help: 'Alerts raised, by type and severity (deduplicated raises not counted)',
    labelNames: ['type', 'severity'],
  }),
  makeCounterProvider({
    name: ALERT_DELIVERIES_TOTAL,
    help: 'Alert deliveries to channels, by channel kind and outcome',
    labelNames: ['channel', 'outcome'],
  }),
];
