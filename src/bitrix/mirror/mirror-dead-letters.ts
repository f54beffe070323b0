import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { BitrixPortalsService } from '../portals/bitrix-portals.service';
import { DeadLetter, MirrorItemsRepository } from './mirror-items.repository';
import { MirrorQueue } from './mirror.queue';

const LIST_LIMIT = 500;

/**
 * Mirror items Bitrix24 kept refusing (BITRIX_MIRROR_MAX_ATTEMPTS times): shown to the tenant
 * and re-driven on request, once the cause (a deactivated line, a connector removed on the
 * portal) is fixed. A re-driven item gets its attempts back and the portal's flush is
 * scheduled; it still goes once, with our message id as the external id.
 */
@Injectable()
export class MirrorDeadLetters {
  constructor(
    private readonly portals: BitrixPortalsService,
    private readonly items: MirrorItemsRepository,
    private readonly queue: MirrorQueue,
    private readonly config: AppConfig,
  ) {}

  async list(tenantId: string, portalId: string): Promise<DeadLetter[]> {
    const portal = await this.portals.find(tenantId, portalId);
    return this.items.deadLetters(portal.id, this.config.bitrix.mirrorMaxAttempts, LIST_LIMIT);
  }

  async redrive(
    tenantId: string,
    portalId: string,
    ids?: readonly string[],
  ): Promise<{ redriven: number }> {
    const portal = await this.portals.find(tenantId, portalId);
    const redriven = await this.items.redrive(portal.id, this.config.bitrix.mirrorMaxAttempts, ids);
    if (redriven > 0) await this.queue.schedule(portal.id);
    return { redriven };
  }
}
