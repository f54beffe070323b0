import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/**
 * Jobs this pod's workers finished, by queue and outcome: `completed`, or `failed` (one per
 * failed attempt, retried or not). Throughput per queue is its rate; summed over pods.
 */
export const QUEUE_JOBS_PROCESSED_TOTAL = 'queue_jobs_processed_total';

export const queueMetrics = [
  makeCounterProvider({
    name: QUEUE_JOBS_PROCESSED_TOTAL,
    help: 'Jobs finished by this pod’s workers, by queue and outcome (completed, failed attempt)',
    labelNames: ['queue', 'outcome'],
  }),
];
