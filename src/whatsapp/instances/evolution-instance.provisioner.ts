import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@config/app-config';
import { NotFoundError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { ChannelAccountConnector } from '@app/messaging/channel-accounts/channel-account.connector';
import type { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { EvolutionConnectResult } from '@app/whatsapp/evolution/evolution-instance-bodies';
import { EvolutionInstancesClient } from '@app/whatsapp/evolution/evolution-instances.client';
import { EvolutionQrStore } from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import { EvolutionWebhookKeys } from '@app/whatsapp/evolution/evolution-webhook-keys';
import {
  EvolutionCredentials,
  EvolutionServerAccess,
  evolutionAccessOf,
} from '@app/whatsapp/evolution/evolution.credentials';
import { qrOfConnectResult, qrOfStored } from './connect-outcome';
import { evolutionInstanceName } from '@app/whatsapp/evolution/evolution-instance-name';
import { EvolutionWebhookRegistrar } from './evolution-webhook.registrar';
import {
  BusinessMismatchError,
  EvolutionNotConfiguredError,
  NotAnEvolutionInstanceError,
} from './instance-errors';
import type { ConnectInstanceDto, ConnectedInstanceDto } from './instances.dto';

/**
 * `POST /whatsapp/connect`: creates the tenant's Evolution instance on the configured server
 * the first time (or again after a delete, or when the server lost it), else reconnects it;
 * answers with the QR / pairing code to scan.
 */
@Injectable()
export class EvolutionInstanceProvisioner {
  constructor(
    private readonly config: AppConfig,
    private readonly accounts: ChannelAccountsService,
    private readonly connector: ChannelAccountConnector,
    private readonly instances: EvolutionInstancesClient,
    private readonly qrCodes: EvolutionQrStore,
    private readonly keys: EvolutionWebhookKeys,
    private readonly webhooks: EvolutionWebhookRegistrar,
  ) {}

  async connect(tenantId: string, input: ConnectInstanceDto): Promise<ConnectedInstanceDto> {
    if (input.businessId !== tenantId) throw new BusinessMismatchError();
    const existing = await this.find(tenantId, input.instanceId);
    if (existing && existing.provider !== 'evolution') {
      throw new NotAnEvolutionInstanceError(input.instanceId);
    }
    const account = existing ?? (await this.createAccount(tenantId, input.instanceId));
    const result =
      existing && existing.status !== 'disabled'
        ? await this.reconnect(tenantId, account, input.number)
        : await this.createInstance(tenantId, account, input.number, !existing);
    return this.answer(account, result);
  }

  /**
   * Reconnects an existing instance (recovery uses it too), registering its webhook again
   * first: an instance made before webhook secrets gets its secret header here, and one whose
   * webhook was changed on the server gets Omnihub's back.
   */
  async reconnect(
    tenantId: string,
    account: ChannelAccountDto,
    number?: string,
  ): Promise<EvolutionConnectResult> {
    const opened = await this.accounts.open<EvolutionCredentials>(tenantId, account.id);
    try {
      await this.webhooks.register(tenantId, account.id);
      const result = await this.instances.connect(evolutionAccessOf(opened, 'connect_instance'), {
        number,
      });
      await this.record(account.id, result);
      return result;
    } catch (error) {
      // The server lost the instance (wiped, or deleted outside Omnihub): make it again.
      if (error instanceof PlatformError && error.failure === 'not-found') {
        return this.createInstance(tenantId, account, number, false);
      }
      throw error;
    }
  }

  /**
   * The account row comes first, so the webhook URL given to Evolution can name its id. Its
   * token and webhook secret are ours, so they are stored before Evolution ever uses them.
   */
  private async createAccount(tenantId: string, name: string): Promise<ChannelAccountDto> {
    const server = this.server();
    const apiKey = randomUUID();
    const account = await this.connector.connect(tenantId, {
      hub: 'whatsapp',
      provider: 'evolution',
      name,
      externalId: evolutionInstanceName(tenantId, name),
      credentials: { baseUrl: server.baseUrl, apiKey },
    });
    await this.keys.issue(tenantId, account.id, apiKey);
    return account;
  }

  private async createInstance(
    tenantId: string,
    account: ChannelAccountDto,
    number: string | undefined,
    fresh: boolean,
  ): Promise<EvolutionConnectResult> {
    const server = this.server();
    const opened = await this.accounts.open<EvolutionCredentials>(tenantId, account.id);
    const token = fresh ? opened.credentials.apiKey : randomUUID();
    const secret =
      (await this.keys.secretOf(account.id)) ??
      (await this.keys.issue(tenantId, account.id, token));
    try {
      const created = await this.instances.create(server, {
        instanceName: account.externalId,
        token,
        number,
        webhook: this.webhooks.settings(account.id, secret),
      });
      if (!fresh || created.token !== token) {
        await this.accounts.replaceCredentials(tenantId, account.id, {
          baseUrl: server.baseUrl,
          apiKey: created.token,
        });
        await this.keys.setInstanceKey(account.id, created.token);
      }
      await this.keys.markRegistered(account.id);
      const result =
        created.connect ??
        (await this.instances.connect(
          { baseUrl: server.baseUrl, apiKey: created.token, instance: created.instanceName },
          { number },
        ));
      await this.record(account.id, result);
      return result;
    } catch (error) {
      // Kept as 'disabled' (not removed) so the next connect re-creates it under the same id.
      if (fresh) await this.accounts.setStatus(account.id, 'disabled');
      throw error;
    }
  }

  /** Open is active; anything else is watched by the session poller until it opens. */
  private async record(accountId: string, result: EvolutionConnectResult): Promise<void> {
    if (result.state === 'open') {
      await this.accounts.setStatus(accountId, 'active');
      await this.qrCodes.clear(accountId);
      return;
    }
    await this.accounts.setStatus(accountId, 'disconnected');
    const qr = qrOfConnectResult(result);
    if (qr) await this.qrCodes.save(accountId, { ...qr, receivedAt: new Date().toISOString() });
  }

  private async answer(
    account: ChannelAccountDto,
    result: EvolutionConnectResult,
  ): Promise<ConnectedInstanceDto> {
    const base = { instanceId: account.name, accountId: account.id };
    if (result.state === 'open') return { ...base, state: 'open' };
    const qrCode = qrOfConnectResult(result) ?? qrOfStored(await this.qrCodes.latest(account.id));
    return { ...base, state: 'connecting', ...(qrCode ? { qrCode } : {}) };
  }

  private async find(tenantId: string, name: string): Promise<ChannelAccountDto | null> {
    try {
      return await this.accounts.get(tenantId, name);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private server(): EvolutionServerAccess {
    const { baseUrl, apiKey } = this.config.whatsapp.evolution;
    if (!baseUrl || !apiKey) throw new EvolutionNotConfiguredError();
    return { baseUrl, apiKey };
  }
}
