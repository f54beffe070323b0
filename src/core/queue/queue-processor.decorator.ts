import { Processor } from '@nestjs/bullmq';
import type { WorkerOptions } from 'bullmq';
import { QueueName } from './queue-names';
import { WORKER_DEFAULTS } from './queue-defaults';

/**
 * `@Processor` with the house worker defaults. Every processor uses this so lock, stall and
 * autorun settings stay in one place; pass `options` only for a reason (e.g. concurrency).
 */
export function QueueProcessor(
  queue: QueueName,
  options: Partial<WorkerOptions> = {},
): ClassDecorator {
  return Processor({ name: queue }, { ...WORKER_DEFAULTS, ...options });
}
