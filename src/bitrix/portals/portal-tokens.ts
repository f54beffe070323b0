import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import { RedisLocks } from '@core/redis/redis-locks';
import { bitrixCodeOf, PortalNeedsReauthError, PortalNotReadyError } from '../rest/bitrix-errors';
import type { PortalAccess } from './bitrix-portal';
import { BitrixOAuthClient, PortalClient } from './bitrix-oauth.client';
import { BitrixPortalsRepository } from './bitrix-portals.repository';
import { PortalAudit } from './portal-audit';

/** How long one refresh may hold the lock (the token call's deadline is well inside it). */
const LOCK_MS = 20_000;
/** How often a caller waiting for another's refresh looks for the new generation. */
const WAIT_STEP_MS = 50;

/**
 * A portal's access token, refreshed exactly once per expiry across every worker and pod.
 * Bitrix24 refresh tokens are single-use: two pods refreshing with the same one would leave
 * one of them with `invalid_grant`. So a refresh happens only under a Redis lock, only if the
 * stored generation is still the one that expired, and the new tokens are committed before the
 * new access token is used; everyone else waits for the generation to move and reads it.
 */
@Injectable()
export class PortalTokens {
  private readonly logger = new Logger(PortalTokens.name);
  private readonly lockPrefix: string;

  constructor(
    private readonly portals: BitrixPortalsRepository,
    private readonly oauth: BitrixOAuthClient,
    private readonly config: AppConfig,
    private readonly locks: RedisLocks,
    private readonly audit: PortalAudit,
  ) {
    this.lockPrefix = `${config.redis.prefix}:bitrix:refresh:`;
  }

  async current(portalId: string): Promise<PortalAccess> {
    const access = await this.portals.access(portalId);
    if (!access) throw await this.notUsable(portalId);
    return access;
  }

  /** The access token after `expired` (the generation that was refused), refreshed once. */
  async after(portalId: string, expired: number): Promise<PortalAccess> {
    const key = this.lockPrefix + portalId;
    const deadline = Date.now() + LOCK_MS * 2;
    while (Date.now() < deadline) {
      const access = await this.current(portalId);
      if (access.generation > expired) return access;
      const owner = await this.locks.tryAcquire(key, LOCK_MS);
      if (owner) {
        try {
          return await this.refreshUnderLock(portalId, expired);
        } finally {
          await this.locks.release(key, owner);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
    throw new PortalNotReadyError('Timed out waiting for the portal token refresh');
  }

  async clientOf(portalId: string, clientId: string | null): Promise<PortalClient> {
    const ownSecret = await this.portals.clientSecret(portalId);
    const id = clientId ?? this.config.bitrix.clientId;
    const secret = ownSecret ?? this.config.bitrix.clientSecret;
    if (!id || !secret) {
      throw new PortalNotReadyError(
        'No Bitrix24 client id/secret: set them on the portal or BITRIX_CLIENT_ID/SECRET',
      );
    }
    return { clientId: id, clientSecret: secret };
  }

  private async refreshUnderLock(portalId: string, expired: number): Promise<PortalAccess> {
    const stored = await this.portals.refreshToken(portalId);
    const portal = await this.portals.byId(portalId);
    if (!stored || !portal) throw new PortalNotReadyError();
    // Someone refreshed between our read and taking the lock: theirs is the token.
    if (stored.generation > expired) return this.current(portalId);
    const client = await this.clientOf(portalId, portal.clientId);
    let grant;
    try {
      grant = await this.oauth.refresh(client, stored.token);
    } catch (error) {
      if (error instanceof PlatformError && bitrixCodeOf(error) === 'invalid_grant') {
        await this.portals.setStatus(portalId, 'needs_reauth', 'invalid_grant');
        this.logger.error(
          { portalId, tenantId: portal.tenantId },
          'Bitrix24 refused the refresh token: the portal needs to be installed or authorized again',
        );
        await this.audit.refreshRefused(portal.tenantId, portalId);
        throw new PortalNeedsReauthError();
      }
      throw error;
    }
    await this.portals.storeGrant(portalId, grant);
    return this.current(portalId);
  }

  private async notUsable(portalId: string): Promise<Error> {
    const portal = await this.portals.byId(portalId);
    if (portal?.status === 'needs_reauth') return new PortalNeedsReauthError();
    return new PortalNotReadyError();
  }
}
