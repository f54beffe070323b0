import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Removes the finished (completed or failed) job kept under `jobId`, so that adding the same id
 * again enqueues it: BullMQ keeps finished jobs for a while and ignores an add under a kept id.
 * A job still waiting, delayed or active is left alone, so the add stays a no-op then. A Redis
 * error is logged, not thrown: the add that follows decides whether Redis is there.
 */
export async function clearFinishedJob(queue: Queue, jobId: string, logger: Logger): Promise<void> {
  try {
    const earlier = await queue.getJob(jobId);
    const state = earlier ? await earlier.getState() : undefined;
    if (earlier && (state === 'completed' || state === 'failed')) await earlier.remove();
  } catch (error) {
    logger.warn(
      { queue: queue.name, jobId, reason: (error as Error).message },
      'Could not clear the earlier job; enqueueing anyway',
    );
  }
}
