import { DelayedError, type Job } from 'bullmq';

/**
 * Puts a running job back as delayed for `ms` and ends this run of it. BullMQ neither fails the
 * job nor counts an attempt for it (the thrown DelayedError says so), and the worker slot is
 * free at once. Only a processor calls this: it needs the worker's lock token, and whatever
 * decided to wait (pacing, an open circuit, an outage) says how long, not how.
 */
export async function delayJob(job: Job, token: string | undefined, ms: number): Promise<never> {
  if (token === undefined) {
    throw new Error('delayJob() needs the worker token passed to process(job, token)');
  }
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}
