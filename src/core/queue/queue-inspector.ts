import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from './queue-names';

/** The job states counted per queue (BullMQ's names). */
export const JOB_STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'failed',
  'completed',
  'waiting-children',
] as const;

export type JobState = (typeof JOB_STATES)[number];
export type QueueCounts = Record<JobState, number>;

/** Read access to every queue Omnihub runs, for ops routes and the `queue_jobs` gauge. */
@Injectable()
export class QueueInspector {
  constructor(private readonly modules: ModuleRef) {}

  get names(): readonly QueueName[] {
    return ALL_QUEUES;
  }

  isQueue(name: string): name is QueueName {
    return (ALL_QUEUES as readonly string[]).includes(name);
  }

  queue(name: QueueName): Queue {
    return this.modules.get<Queue>(getQueueToken(name), { strict: false });
  }

  async counts(name: QueueName): Promise<QueueCounts> {
    const counts = await this.queue(name).getJobCounts(...JOB_STATES);
    return Object.fromEntries(
      JOB_STATES.map((state) => [state, counts[state] ?? 0]),
    ) as QueueCounts;
  }

  async allCounts(): Promise<Record<QueueName, QueueCounts>> {
    const entries = await Promise.all(
      ALL_QUEUES.map(async (name) => [name, await this.counts(name)] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, QueueCounts>;
  }
}
