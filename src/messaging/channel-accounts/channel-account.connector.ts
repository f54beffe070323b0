import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@app/audit/audit-trail';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { ChannelAccountDto } from './channel-account.view';
import { ChannelAccountsService, NewChannelAccount } from './channel-accounts.service';

/**
 * Connecting an account on a tenant's behalf: the provider proves the credentials act for the
 * platform account first, and only then is it stored. Every connect route goes through here,
 * whatever the hub, so no account kind can be attached on a bare claim.
 *
 * The proof runs before the uniqueness check on purpose: someone who cannot prove ownership
 * learns nothing, not even whether the account is connected already. A proven owner whose
 * account another tenant holds gets the 409, which names no tenant.
 */
@Injectable()
export class ChannelAccountConnector {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly accounts: ChannelAccountsService,
    private readonly audit: AuditTrail,
  ) {}

  async connect(tenantId: string, input: NewChannelAccount): Promise<ChannelAccountDto> {
    const { hub, provider, name, externalId, credentials } = input;
    await this.registry
      .ownershipProver(hub, provider)
      .proveOwnership({ tenantId, name, externalId, credentials });
    const account = await this.accounts.create(tenantId, input);
    await this.audit.record({
      action: 'channel_account.connected',
      tenantId,
      resource: { type: 'channel_account', id: account.id },
    });
    return account;
  }
}
