import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import type { ChannelAccountStatus } from '@app/messaging/channel-accounts/channel-account-status';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { EVOLUTION_ACCOUNTS } from '@app/whatsapp/evolution/evolution-accounts';
import { EvolutionWebhookKeys } from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionWebhookRegistrar } from './evolution-webhook.registrar';

const BATCH = 100;
/** Accounts in use: every status but `disabled` (deleted, kept for history). */
const IN_USE: ChannelAccountStatus[] = ['active', 'needs_reauth', 'disconnected'];

export interface WebhookRegistrationReport {
  registered: number;
  failed: number;
}

/**
 * Registers the webhook (with its secret header) of every Evolution account in use whose
 * secret Evolution has not accepted yet: accounts made before webhook secrets existed, right
 * after the deploy that brought them, and any whose registration failed (server unreachable).
 * A failure is logged and retried on the next pass.
 */
@Injectable()
@MaintenanceTask()
export class EvolutionWebhookRegistrationTask implements PeriodicTask {
  readonly name = 'evolution.webhook-registration';
  private readonly logger = new Logger(EvolutionWebhookRegistrationTask.name);

  constructor(
    private readonly config: AppConfig,
    private readonly accounts: ChannelAccountsQuery,
    private readonly keys: EvolutionWebhookKeys,
    private readonly registrar: EvolutionWebhookRegistrar,
  ) {}

  get everyMs(): number {
    return this.config.whatsapp.evolution.sessionCheckIntervalMs;
  }

  async run(): Promise<WebhookRegistrationReport> {
    const report: WebhookRegistrationReport = { registered: 0, failed: 0 };
    let afterId: string | null = null;
    for (;;) {
      const rows = await this.accounts.page(EVOLUTION_ACCOUNTS, IN_USE, afterId, BATCH);
      const registered = await this.keys.registeredAmong(rows.map((row) => row.id));
      for (const { id: accountId, tenantId } of rows) {
        if (registered.has(accountId)) continue;
        try {
          await this.registrar.register(tenantId, accountId);
          report.registered += 1;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          report.failed += 1;
          this.logger.warn(
            { accountId, code: error.code },
            'Evolution webhook registration failed; retried on the next pass',
          );
        }
      }
      if (rows.length < BATCH) break;
      afterId = rows[rows.length - 1].id;
    }
    return report;
  }
}
