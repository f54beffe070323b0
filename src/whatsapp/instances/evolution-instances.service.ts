import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import type { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { EVOLUTION_ACCOUNTS } from '@app/whatsapp/evolution/evolution-accounts';
import { EvolutionInstancesClient } from '@app/whatsapp/evolution/evolution-instances.client';
import { EvolutionQrStore } from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import {
  EvolutionCredentials,
  EvolutionInstanceAccess,
  evolutionAccessOf,
} from '@app/whatsapp/evolution/evolution.credentials';
import { qrOfStored } from './connect-outcome';
import { EvolutionInstanceProvisioner } from './evolution-instance.provisioner';
import { NoQrCodeError, NotAnEvolutionInstanceError } from './instance-errors';
import type {
  InstanceState,
  InstanceSummaryDto,
  QrCodeDto,
  RecoveryResultDto,
} from './instances.dto';

/** The tenant's Evolution instances: list, session state, QR, logout, delete and recovery. */
@Injectable()
export class EvolutionInstancesService {
  private readonly logger = new Logger(EvolutionInstancesService.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly query: ChannelAccountsQuery,
    private readonly instances: EvolutionInstancesClient,
    private readonly provisioner: EvolutionInstanceProvisioner,
    private readonly qrCodes: EvolutionQrStore,
  ) {}

  async list(tenantId: string): Promise<InstanceSummaryDto[]> {
    const rows = await this.query.ofTenant(tenantId, EVOLUTION_ACCOUNTS);
    return Promise.all(
      rows.map(async (row) => ({
        instanceId: row.name,
        accountId: row.id,
        status: row.status,
        state: await this.stateOf(await this.access(tenantId, row.id)),
      })),
    );
  }

  /** Evolution's view of one account's session; `unknown` when the server cannot be asked. */
  async sessionOf(
    tenantId: string,
    accountId: string,
  ): Promise<{ state: InstanceState; qrCode?: QrCodeDto }> {
    const state = await this.stateOf(await this.access(tenantId, accountId));
    if (state === 'open') return { state };
    const qrCode = qrOfStored(await this.qrCodes.latest(accountId));
    return qrCode ? { state, qrCode } : { state };
  }

  /** The latest QR code, until the instance connects. */
  async qr(tenantId: string, instanceId: string): Promise<QrCodeDto> {
    const account = await this.evolutionAccount(tenantId, instanceId);
    const session = await this.sessionOf(tenantId, account.id);
    if (session.state === 'open') throw new NoQrCodeError('connected');
    if (!session.qrCode) throw new NoQrCodeError('none-yet');
    return session.qrCode;
  }

  /** Ends the WhatsApp session; the line needs a new QR scan (connect) to send again. */
  async logout(tenantId: string, instanceId: string): Promise<InstanceSummaryDto> {
    const account = await this.evolutionAccount(tenantId, instanceId);
    await this.instances.logout(await this.access(tenantId, account.id));
    await this.accounts.setStatus(account.id, 'needs_reauth');
    await this.qrCodes.clear(account.id);
    return this.summary(account, 'needs_reauth', 'close');
  }

  /** Deletes the instance on Evolution; the account row stays ('disabled') for its history. */
  async delete(tenantId: string, instanceId: string): Promise<InstanceSummaryDto> {
    const account = await this.evolutionAccount(tenantId, instanceId);
    if (account.status !== 'disabled') {
      await this.instances.delete(await this.access(tenantId, account.id));
      await this.accounts.setStatus(account.id, 'disabled');
      await this.qrCodes.clear(account.id);
    }
    return this.summary(account, 'disabled', 'close');
  }

  /** Reconnects every instance of the tenant that dropped; one failure does not stop the rest. */
  async recover(tenantId: string): Promise<RecoveryResultDto[]> {
    const rows = await this.query.ofTenant(tenantId, EVOLUTION_ACCOUNTS, ['disconnected']);
    const results: RecoveryResultDto[] = [];
    for (const row of rows) {
      try {
        const account = await this.accounts.get(tenantId, row.id);
        const result = await this.provisioner.reconnect(tenantId, account);
        results.push({
          instanceId: row.name,
          outcome: result.state === 'open' ? 'reconnected' : 'pairing',
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.logger.warn({ accountId: row.id, code: error.code }, 'Evolution recovery failed');
        results.push({ instanceId: row.name, outcome: 'failed', code: error.code });
      }
    }
    return results;
  }

  private async evolutionAccount(tenantId: string, instanceId: string): Promise<ChannelAccountDto> {
    const account = await this.accounts.get(tenantId, instanceId);
    if (account.provider !== 'evolution') throw new NotAnEvolutionInstanceError(instanceId);
    return account;
  }

  private async access(tenantId: string, accountId: string): Promise<EvolutionInstanceAccess> {
    const opened = await this.accounts.open<EvolutionCredentials>(tenantId, accountId);
    return evolutionAccessOf(opened, 'connection_state');
  }

  private async stateOf(access: EvolutionInstanceAccess): Promise<InstanceState> {
    try {
      return await this.instances.connectionState(access);
    } catch (error) {
      if (error instanceof PlatformError) return 'unknown';
      throw error;
    }
  }

  private summary(
    account: ChannelAccountDto,
    status: string,
    state: InstanceState,
  ): InstanceSummaryDto {
    return { instanceId: account.name, accountId: account.id, status, state };
  }
}
