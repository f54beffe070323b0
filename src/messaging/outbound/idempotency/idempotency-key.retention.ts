import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { inBatches } from '@core/database/in-batches';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

const INTERVAL_MS = 3_600_000;

/**
 * Releases the Idempotency-Keys of sends older than IDEMPOTENCY_KEY_RETENTION_HOURS, hourly
 * and in small batches (inBatches), so the unique index holds only live keys.
 * The message stays; only its key goes. A send that reuses an expired key before this runs
 * releases it itself (OutboundIdempotency).
 */
@Injectable()
@MaintenanceTask()
export class IdempotencyKeyRetention implements PeriodicTask {
  readonly name = 'outbound.idempotency-key-retention';
  readonly everyMs = INTERVAL_MS;
  private readonly logger = new Logger(IdempotencyKeyRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: IdempotencyKeysRepository,
  ) {}

  /** Returns how many keys it released. */
  async run(): Promise<number> {
    const total = await inBatches((limit) =>
      this.keys.releaseExpiredBatch(this.config.idempotencyKeyRetentionHours, limit),
    );
    if (total) this.logger.log({ count: total }, 'Released expired Idempotency-Keys');
    return total;
  }
}
