import { AppConfig } from '@config/app-config';
import { OnWorkerEvent } from '@nestjs/bullmq';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '@core/errors/domain-error';
import { delayJob } from '@core/queue/delay-job';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { OutboundJobData } from './outbound-job';
import { OutboundSender } from './outbound-sender';
import type { SendDecision, SendOutcome } from './send-decision';

/**
 * Hands each `outbound` job to the sender as plain data and applies its decision to the queue:
 * the only place outbound sending meets BullMQ (attempts, delays, the worker's lock token).
 */
@QueueProcessor(QueueName.Outbound)
export class OutboundProcessor extends QueueWorker implements OnApplicationBootstrap {
  constructor(
    private readonly sender: OutboundSender,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /**
   * Sends in flight per process (OUTBOUND_WORKER_CONCURRENCY): a send mostly waits on the
   * platform and PostgreSQL, so one process keeps up with more than the house default of 10
   * when the platform is slow. Set once the worker exists (BullMQ reads it on every fetch).
   */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.outbound.workerConcurrency;
  }

  process(job: Job<OutboundJobData>, token?: string): Promise<SendOutcome> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      const attempt = job.attemptsMade + 1;
      const decision = await this.sender.send({
        messageId: job.data.messageId,
        channelAccountId: job.data.channelAccountId,
        attempt,
        isLastAttempt: attempt >= (job.opts.attempts ?? 1),
      });
      return this.apply(decision, job, token);
    });
  }

  private async apply(
    decision: SendDecision,
    job: Job<OutboundJobData>,
    token: string | undefined,
  ): Promise<SendOutcome> {
    switch (decision.kind) {
      case 'delay':
        // Not an attempt: pacing and an open circuit say "not yet", not "failed".
        return delayJob(job, token, decision.ms);
      case 'retry':
        // Spends an attempt; the backoff (retry-after-backoff) reads the wait the platform
        // asked for from the error.
        throw decision.cause;
      default:
        return decision.kind;
    }
  }

  /**
   * Every failed attempt is visible: a send that keeps failing for a reason that is not the
   * platform's (a bug, a constraint) must not retry in silence. Codes and messages only; the
   * sender keeps contents and numbers out of both.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job<OutboundJobData> | undefined, error: Error): void {
    this.logger.warn(
      {
        messageId: job?.data.messageId,
        attemptsMade: job?.attemptsMade,
        code: error instanceof DomainError ? error.code : error.name,
        reason: error.message,
      },
      'Outbound send attempt failed',
    );
  }
}
