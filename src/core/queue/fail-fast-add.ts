import type { JobsOptions, Queue } from 'bullmq';
import { withDeadline } from './with-deadline';

export class QueueUnreachableError extends Error {
  constructor(status: string) {
    super(`Queue connection is ${status}`);
    this.name = 'QueueUnreachableError';
  }
}

/**
 * Adds jobs, or fails within `timeoutMs` when Redis cannot take them. For callers that have
 * already made the work durable in PostgreSQL (inbox rows, queued messages) and have a sweeper
 * to enqueue it later: they must answer their HTTP caller now, not when Redis returns.
 * BullMQ's connection would otherwise park the add in its offline queue while reconnecting.
 * Use jobId = the row id, so a late add racing the sweeper's still yields one job.
 */
export async function addWhenLive<T>(
  queue: Queue<T>,
  jobs: readonly { name: string; data: T; opts: JobsOptions & { jobId: string } }[],
  timeoutMs: number,
): Promise<void> {
  const add = async () => {
    const client = await queue.getBackend().client;
    const live = client.status === 'ready' || (client.isCluster && client.status === 'connect');
    if (!live) throw new QueueUnreachableError(client.status);
    if (jobs.length === 1) {
      // One job is one script call. addBulk builds an ioredis pipeline, whose constructor
      // copies every script BullMQ defines onto it: 260-290 against 135-142 us of CPU per job
      // (one job at a time, in a loop), and a flush of a quiet queue holds one job.
      const [{ name, data, opts }] = jobs;
      const single = queue as unknown as {
        add(name: string, data: T, opts: JobsOptions): Promise<unknown>;
      };
      await single.add(name, data, { ...opts });
      return;
    }
    await queue.addBulk(jobs.map((job) => ({ ...job })) as Parameters<Queue<T>['addBulk']>[0]);
  };
  await withDeadline(add(), timeoutMs, `Enqueueing ${jobs.length} ${queue.name} job(s)`);
}
