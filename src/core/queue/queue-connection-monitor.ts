import { getQueueToken } from '@nestjs/bullmq';
import { Logger, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ALL_QUEUES } from './queue-names';

const REPEAT_AFTER_MS = 60_000;

/**
 * BullMQ queues emit 'error' on every failed reconnect; unhandled, each one is printed as a
 * raw stack. This logs a queue's connection errors at most once a minute instead. It is a
 * factory (not an onModuleInit hook) so the listeners exist before the queues' first
 * connection attempt can fail.
 */
export const QUEUE_CONNECTION_MONITOR: Provider = {
  provide: Symbol('QUEUE_CONNECTION_MONITOR'),
  inject: ALL_QUEUES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]) => {
    const logger = new Logger('Queues');
    for (const queue of queues) {
      let lastLoggedAt = 0;
      queue.on('error', (error: Error) => {
        const now = Date.now();
        if (now - lastLoggedAt < REPEAT_AFTER_MS) return;
        lastLoggedAt = now;
        logger.warn(`Queue "${queue.name}" cannot reach Redis: ${error.message}`);
      });
    }
    return queues.length;
  },
};
