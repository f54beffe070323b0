import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const LIVE_EVENTS_CLIENTS = 'live_events_clients';
export const LIVE_EVENTS_DELIVERED_TOTAL = 'live_events_delivered_total';
export const LIVE_EVENTS_DROPPED_TOTAL = 'live_events_clients_dropped_total';
export const LIVE_EVENTS_PUBLISHED_TOTAL = 'live_events_published_total';

/** Why a pod ended a client's stream (the `reason` of the close event and of the metric). */
export type DropReason = 'slow-consumer' | 'server-shutdown' | 'unavailable';

export const liveEventsMetrics = [
  makeGaugeProvider({
    name: LIVE_EVENTS_CLIENTS,
    help: 'Event stream clients connected to this pod',
  }),
  makeCounterProvider({
    name: LIVE_EVENTS_DELIVERED_TOTAL,
    help: 'Events written to stream clients (one per client and event), live or replayed',
    labelNames: ['mode'],
  }),
  makeCounterProvider({
    name: LIVE_EVENTS_DROPPED_TOTAL,
    help: 'Stream clients this pod closed, by reason (slow-consumer: unread buffer over the limit; unavailable: Redis failed mid-replay)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: LIVE_EVENTS_PUBLISHED_TOTAL,
    help: "Messaging events appended to their tenant's live stream, by type",
    labelNames: ['type'],
  }),
];
