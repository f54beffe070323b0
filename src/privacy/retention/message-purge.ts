import { performance } from 'node:perf_hooks';
import { MessageRetention } from '@app/messaging/privacy/message-retention';

/**
 * Batches each tenant may run before the next tenant's turn: 40 × 500 = 20,000 messages, an
 * hour's worth for most tenants. A tenant with more (its retention was just shortened, or it
 * imported years of history) goes on after every tenant has had its share.
 */
const FAIR_BATCHES = 40;

export interface MessagePurgeLimits {
  /** Messages per DELETE: few row locks and a short WAL burst per statement. */
  batchSize: number;
  /** Past this moment (ms since the epoch) no further batch starts. */
  deadline: number;
}

/** What one run's message deletion did. */
export interface MessagePurgeReport {
  messagesDeleted: number;
  /** DELETE statements that removed at least one message. */
  messageBatches: number;
  /** The longest of those statements: how long its row locks were held. */
  slowestMessageBatchMs: number;
  /** Tenants whose expired messages were not all deleted before the deadline; the next run goes on. */
  tenantsWithBacklog: number;
}

/**
 * One retention run's message deletion, in two rounds so one large tenant cannot hold up the
 * rest: `share` gives each tenant up to FAIR_BATCHES batches, `drainBacklog` then goes back to
 * the tenants that had more, until they are done or the run's deadline passes.
 */
export class MessagePurge {
  private readonly backlog = new Map<string, Date>();
  private readonly report: MessagePurgeReport = {
    messagesDeleted: 0,
    messageBatches: 0,
    slowestMessageBatchMs: 0,
    tenantsWithBacklog: 0,
  };

  constructor(
    private readonly messages: Pick<MessageRetention, 'deleteBatch'>,
    private readonly limits: MessagePurgeLimits,
  ) {}

  async share(tenantId: string, before: Date): Promise<void> {
    if (!(await this.purge(tenantId, before, FAIR_BATCHES))) this.backlog.set(tenantId, before);
  }

  async drainBacklog(): Promise<MessagePurgeReport> {
    for (const [tenantId, before] of this.backlog) {
      if (await this.purge(tenantId, before, Infinity)) this.backlog.delete(tenantId);
    }
    return { ...this.report, tenantsWithBacklog: this.backlog.size };
  }

  /** Deletes up to `maxBatches` batches; true once the tenant has no expired message left. */
  private async purge(tenantId: string, before: Date, maxBatches: number): Promise<boolean> {
    const { batchSize, deadline } = this.limits;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      if (Date.now() >= deadline) return false;
      const started = performance.now();
      const deleted = await this.messages.deleteBatch(tenantId, before, batchSize);
      if (deleted > 0) {
        this.report.messagesDeleted += deleted;
        this.report.messageBatches += 1;
        this.report.slowestMessageBatchMs = Math.max(
          this.report.slowestMessageBatchMs,
          Math.round((performance.now() - started) * 10) / 10,
        );
      }
      if (deleted < batchSize) return true;
    }
    return false;
  }
}
