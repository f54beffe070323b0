import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const CALENDAR_TOKEN_REFRESHES_TOTAL = 'calendar_token_refreshes_total';
export const CALENDAR_CACHE_TOTAL = 'calendar_cache_reads_total';

/**
 * A grant Google stops accepting raises the `token.refresh_failed` alert (AlertRaiser) and
 * counts as `calendar_token_refreshes_total{outcome="invalid_grant"}`. Google call durations
 * and outcomes are in hub_request_duration_seconds / hub_requests_total {hub="calendar"}.
 */
export const calendarMetrics = [
  makeCounterProvider({
    name: CALENDAR_TOKEN_REFRESHES_TOTAL,
    help: 'Access token refreshes asked of Google, by outcome (refreshed, invalid_grant, failed)',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: CALENDAR_CACHE_TOTAL,
    help: 'Calendar reads by cache outcome (hit, miss)',
    labelNames: ['outcome'],
  }),
];
