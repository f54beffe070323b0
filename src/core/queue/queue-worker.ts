import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';

/**
 * Base class of every processor. BullMQ reports lost locks and Redis reconnects as worker
 * 'error' events (it recovers from both); without a listener they are printed to the console
 * outside the structured log. Listening here covers workers from the moment they exist.
 */
export abstract class QueueWorker extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logger.warn({ reason: error.message }, 'Worker error (BullMQ recovers by itself)');
  }
}
