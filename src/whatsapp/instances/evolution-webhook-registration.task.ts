import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { EvolutionWebhookKeys } from '@app/whatsapp/evolution/evolution-webhook-keys';
import { EvolutionWebhookRegistrar } from './evolution-webhook.registrar';

const BATCH = 100;

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
      const rows = await this.keys.unregistered(afterId, BATCH);
      for (const { accountId, tenantId } of rows) {
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
      afterId = rows[rows.length - 1].accountId;
    }
    return report;
  }
}
