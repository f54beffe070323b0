import { Injectable } from '@nestjs/common';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { PortalNotReadyError } from '../rest/bitrix-errors';
import { BitrixPortalsService } from '../portals/bitrix-portals.service';
import type { LineDto } from '../portals/bitrix-portals.dto';
import { BitrixLinesRepository } from './bitrix-lines.repository';
import { ConnectorSetup } from './connector-setup';

/** The mapping API: which of the tenant's channel accounts feeds which open line. */
@Injectable()
export class BitrixLinesService {
  constructor(
    private readonly portals: BitrixPortalsService,
    private readonly accounts: ChannelAccountsService,
    private readonly lines: BitrixLinesRepository,
    private readonly connector: ConnectorSetup,
  ) {}

  async map(
    tenantId: string,
    portalId: string,
    accountId: string,
    lineId: string,
  ): Promise<LineDto> {
    const portal = await this.portals.find(tenantId, portalId);
    if (portal.status !== 'active') throw new PortalNotReadyError();
    const account = await this.accounts.get(tenantId, accountId);
    await this.lines.upsert({ tenantId, portalId, channelAccountId: account.id, lineId });
    await this.connector.activate(portalId, lineId, account.name);
    await this.lines.setActive(portalId, account.id, true);
    return { channelAccountId: account.id, lineId, active: true };
  }

  async list(tenantId: string, portalId: string): Promise<LineDto[]> {
    await this.portals.find(tenantId, portalId);
    return (await this.lines.ofPortal(portalId)).map(({ channelAccountId, lineId, active }) => ({
      channelAccountId,
      lineId,
      active,
    }));
  }

  async unmap(tenantId: string, portalId: string, accountId: string): Promise<void> {
    await this.portals.find(tenantId, portalId);
    const line = (await this.lines.ofPortal(portalId)).find(
      (l) => l.channelAccountId === accountId,
    );
    // Removing a mapping that is not there is done already (DELETE is idempotent); the
    // portal itself was checked above, so another tenant's portal still answers 404.
    if (!line) return;
    await this.lines.remove(portalId, accountId);
    // Another account may still feed the line: only an unshared line is switched off.
    const shared = (await this.lines.ofPortal(portalId)).some((l) => l.lineId === line.lineId);
    if (!shared) await this.connector.deactivate(portalId, line.lineId).catch(() => undefined);
  }
}
