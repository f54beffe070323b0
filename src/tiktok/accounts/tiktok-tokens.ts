import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { RedisLocks } from '@core/redis/redis-locks';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  TIKTOK_CREDENTIALS,
  TikTokAccount,
  TikTokCredentials,
} from '@app/tiktok/api/tiktok.credentials';
import { TikTokAuthApi } from './tiktok-auth.api';

/** A refresh never takes longer than this; the lock lapses after it if its pod dies. */
const LOCK_MS = 30_000;
/** How long a pod that lost the race waits for the winner's new token, in steps. */
const WAIT_STEP_MS = 200;
const WAIT_STEPS = 50;

/** Releases the lock only if it is still ours (a lapsed lock may be another pod's by now). */

/**
 * An account's access token, refreshed before it expires. One refresh per account across every
 * pod (a Redis lock): TikTok rotates the refresh token on each refresh, so two refreshes racing
 * would leave one pod with a refresh token TikTok no longer honours. The newest tokens are
 * always stored before they are used. A refresh TikTok refuses as unauthorised means the holder
 * revoked access: the account becomes `needs_reauth`.
 */
@Injectable()
export class TikTokTokens {
  private readonly logger = new Logger(TikTokTokens.name);

  constructor(
    private readonly auth: TikTokAuthApi,
    private readonly accounts: ChannelAccountsService,
    private readonly config: AppConfig,
    private readonly locks: RedisLocks,
  ) {}

  async accessTokenFor(account: TikTokAccount): Promise<string> {
    if (!this.isStale(account.credentials)) return account.credentials.accessToken;
    return (await this.refresh(account)).accessToken;
  }

  /**
   * Refreshes now unless another caller already replaced `seen`, the token this caller holds
   * (TikTok refused it, or it is about to expire); returns the newest credentials. Callers that
   * lose the race wait for the winner's tokens.
   */
  async refresh(
    account: TikTokAccount,
    seen: string = account.credentials.accessToken,
  ): Promise<TikTokCredentials> {
    const key = `${this.config.redis.prefix}:tiktok:token-refresh:${account.id}`;
    const owner = await this.locks.tryAcquire(key, LOCK_MS);
    if (!owner) {
      return this.awaitOtherRefresh(account, seen);
    }
    try {
      // Another pod may have refreshed between our read and the lock: use its tokens.
      const current = await this.current(account);
      if (current.accessToken !== seen) return current;
      let issued;
      try {
        issued = await this.auth.refresh(current.refreshToken);
      } catch (error) {
        if (error instanceof PlatformError && error.failure === 'auth') await this.revoked(account);
        throw error;
      }
      const next: TikTokCredentials = { ...current, ...issued.credentials };
      await this.accounts.replaceCredentials(account.tenantId, account.id, next);
      this.logger.log({ accountId: account.id }, 'TikTok access token refreshed');
      return next;
    } finally {
      await this.locks.release(key, owner).catch(() => undefined);
    }
  }

  /** The winner's tokens, known by an access token other than the one this caller saw. */
  private async awaitOtherRefresh(
    account: TikTokAccount,
    seen: string,
  ): Promise<TikTokCredentials> {
    for (let step = 0; step < WAIT_STEPS; step += 1) {
      await sleep(WAIT_STEP_MS);
      const current = await this.current(account);
      if (current.accessToken !== seen) return current;
    }
    throw new PlatformError(
      'tiktok',
      'refresh_token',
      'timeout',
      'tiktok refresh_token: another instance is still refreshing this account',
    );
  }

  private async current(account: TikTokAccount): Promise<TikTokCredentials> {
    const fresh = await this.accounts.open(account.tenantId, account.id);
    return TIKTOK_CREDENTIALS.parse(fresh.credentials, fresh);
  }

  private isStale(credentials: TikTokCredentials): boolean {
    const marginMs = this.config.tiktok.tokenRefreshMarginSeconds * 1000;
    return Date.parse(credentials.accessTokenExpiresAt) - Date.now() <= marginMs;
  }

  private async revoked(account: TikTokAccount): Promise<void> {
    await this.accounts.setStatus(account.id, 'needs_reauth');
    this.logger.error(
      { accountId: account.id },
      'TikTok refused the refresh token: access was revoked, the account needs re-authorisation',
    );
  }
}
