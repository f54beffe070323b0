import { AppConfig } from '@config/app-config';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { PlatformError } from '@core/errors/platform-error';
import {
  ChannelAccountListing,
  ChannelAccountsQuery,
} from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { EVOLUTION_ACCOUNTS } from '@app/whatsapp/evolution/evolution-accounts';
import type { EvolutionConnectionState } from '@app/whatsapp/evolution/evolution-connection-state';
import { EvolutionInstancesClient } from '@app/whatsapp/evolution/evolution-instances.client';
import { EvolutionQrStore } from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import {
  EvolutionCredentials,
  evolutionAccessOf,
} from '@app/whatsapp/evolution/evolution.credentials';
import {
  WHATSAPP_INSTANCES_DISCONNECTED,
  WHATSAPP_INSTANCE_DISCONNECTS_TOTAL,
} from './session-health.metrics';
import { SessionRetryBackoff } from './session-retry.backoff';

const BATCH = 100;

export interface SessionCheckReport {
  checked: number;
  disconnected: number;
  reconnectAttempts: number;
  /** Accounts this pass could not check at all (unreadable credentials, a bug): logged, skipped. */
  skipped: number;
}

/**
 * One pass over every tenant's watched Evolution accounts: Evolution's session state decides
 * 'active' vs 'disconnected'; a drop is logged at warn and counted (the alert-worthy event);
 * a closed session is reconnected when its backoff allows. An instance whose state cannot be
 * read keeps its status (a flaky server is not a logout) and is logged.
 */
@Injectable()
@MaintenanceTask()
export class SessionHealthChecker implements PeriodicTask {
  readonly name = 'evolution.session-check';
  private readonly logger = new Logger(SessionHealthChecker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly query: ChannelAccountsQuery,
    private readonly accounts: ChannelAccountsService,
    private readonly instances: EvolutionInstancesClient,
    private readonly backoff: SessionRetryBackoff,
    private readonly qrCodes: EvolutionQrStore,
    @InjectMetric(WHATSAPP_INSTANCES_DISCONNECTED) private readonly disconnectedGauge: Gauge,
    @InjectMetric(WHATSAPP_INSTANCE_DISCONNECTS_TOTAL) private readonly disconnects: Counter,
  ) {}

  get everyMs(): number {
    return this.config.whatsapp.evolution.sessionCheckIntervalMs;
  }

  run(): Promise<SessionCheckReport> {
    return this.checkOnce();
  }

  async checkOnce(): Promise<SessionCheckReport> {
    const report: SessionCheckReport = {
      checked: 0,
      disconnected: 0,
      reconnectAttempts: 0,
      skipped: 0,
    };
    let afterId: string | null = null;
    for (;;) {
      const rows = await this.query.page(
        EVOLUTION_ACCOUNTS,
        ['active', 'disconnected'],
        afterId,
        BATCH,
      );
      for (const row of rows) await this.check(row, report);
      if (rows.length < BATCH) break;
      afterId = rows[rows.length - 1].id;
    }
    this.disconnectedGauge.set(report.disconnected);
    return report;
  }

  private async check(row: ChannelAccountListing, report: SessionCheckReport): Promise<void> {
    try {
      await this.checkAccount(row, report);
    } catch (error) {
      // One account the pass cannot even read must not hide every other tenant's instances:
      // the rest of the pass goes on and the next pass tries this one again.
      report.skipped += 1;
      this.logger.error(
        { accountId: row.id, tenantId: row.tenantId, error: (error as Error).name },
        'Evolution session check skipped an account it could not check',
      );
    }
  }

  private async checkAccount(
    row: ChannelAccountListing,
    report: SessionCheckReport,
  ): Promise<void> {
    const opened = await this.accounts.open<EvolutionCredentials>(row.tenantId, row.id);
    let state: EvolutionConnectionState;
    try {
      const access = evolutionAccessOf(opened, 'connection_state');
      state = await this.instances.connectionState(access);
      report.checked += 1;
      if (state === 'open') return await this.connected(row);
      report.disconnected += 1;
      await this.disconnected(row, state);
      if (state === 'close' && (await this.backoff.isDue(row.id))) {
        report.reconnectAttempts += 1;
        await this.reconnect(row, access);
      }
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      this.logger.warn(
        { accountId: row.id, failure: error.failure, operation: error.operation },
        'Evolution session check failed',
      );
    }
  }

  private async connected(row: ChannelAccountListing): Promise<void> {
    await this.backoff.reset(row.id);
    if (row.status === 'active') return;
    await this.accounts.setStatus(row.id, 'active');
    await this.qrCodes.clear(row.id);
    this.logger.log(
      { accountId: row.id, tenantId: row.tenantId },
      'Evolution instance reconnected',
    );
  }

  private async disconnected(
    row: ChannelAccountListing,
    state: EvolutionConnectionState,
  ): Promise<void> {
    if (row.status !== 'active') return;
    await this.accounts.setStatus(row.id, 'disconnected');
    this.disconnects.inc();
    this.logger.warn(
      { accountId: row.id, tenantId: row.tenantId, state },
      'Evolution instance disconnected',
    );
  }

  /** `connecting` is already Evolution's own reconnect; only a closed session is kicked. */
  private async reconnect(
    row: ChannelAccountListing,
    access: ReturnType<typeof evolutionAccessOf>,
  ): Promise<void> {
    try {
      const result = await this.instances.connect(access);
      if (result.state === 'open') return await this.connected(row);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      this.logger.warn({ accountId: row.id, failure: error.failure }, 'Evolution reconnect failed');
    }
    await this.backoff.attempted(row.id);
  }
}
