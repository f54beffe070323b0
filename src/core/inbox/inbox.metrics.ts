import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Webhook intake by source and outcome: enqueued, deferred (stored, left to the sweeper),
 * duplicate (already stored) or unavailable (PostgreSQL down, platform told to retry). */
export const INBOX_INTAKE_TOTAL = 'inbox_intake_total';
export type IntakeOutcome = 'enqueued' | 'deferred' | 'duplicate' | 'unavailable';

/** Inbox rows the sweeper had to enqueue: non-zero means Redis missed intake enqueues. */
export const INBOX_SWEPT_TOTAL = 'inbox_swept_total';

export const inboxMetrics = [
  makeCounterProvider({
    name: INBOX_INTAKE_TOTAL,
    help: 'Webhook events received, by source and outcome',
    labelNames: ['source', 'outcome'],
  }),
  makeCounterProvider({
    name: INBOX_SWEPT_TOTAL,
    help: 'Inbox events enqueued by the sweeper because intake could not enqueue them',
  }),
];
