import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';
import { TIKTOK_PROVIDER } from '@app/tiktok/send/tiktok.provider';
import { TikTokTokens } from './tiktok-tokens';

const BATCH = 100;
const HOUR_MS = 3_600_000;
/** A refresh token this close to its end is renewed, whether or not the account is busy. */
const RENEW_REFRESH_TOKEN_WITHIN_MS = 30 * 24 * HOUR_MS;

/**
 * Keeps idle TikTok accounts connected. Sends and comment calls refresh the access token when
 * they need it; an account nobody uses would still lose its refresh token at the end of its
 * lifetime (a year today, read from TikTok's answer) and need a person to authorise again. So
 * every few hours, accounts whose refresh token ends within 30 days are refreshed (TikTok hands
 * out a new one), under the same per-account lock as every other refresh.
 */
@Injectable()
@MaintenanceTask()
export class TikTokTokenKeeper implements PeriodicTask {
  readonly name = 'tiktok.token-keeper';
  readonly everyMs = 6 * HOUR_MS;
  private readonly logger = new Logger(TikTokTokenKeeper.name);

  constructor(
    private readonly query: ChannelAccountsQuery,
    private readonly accounts: ChannelAccountsService,
    private readonly tokens: TikTokTokens,
  ) {}

  async run(now = Date.now()): Promise<{ checked: number; renewed: number; failed: number }> {
    const report = { checked: 0, renewed: 0, failed: 0 };
    let afterId: string | null = null;
    for (;;) {
      const rows = await this.query.page(
        { hub: 'tiktok', provider: TIKTOK_PROVIDER },
        ['active'],
        afterId,
        BATCH,
      );
      for (const row of rows) {
        report.checked += 1;
        try {
          const account = await this.accounts.open<TikTokCredentials>(row.tenantId, row.id);
          const ends = Date.parse(account.credentials.refreshTokenExpiresAt ?? '');
          if (Number.isFinite(ends) && ends - now > RENEW_REFRESH_TOKEN_WITHIN_MS) continue;
          await this.tokens.refresh(account);
          report.renewed += 1;
        } catch (error) {
          // One account's failure (revoked: flagged needs_reauth by the refresh) stops no other.
          report.failed += 1;
          this.logger.warn({ accountId: row.id, err: error }, 'TikTok token renewal failed');
        }
      }
      if (rows.length < BATCH) break;
      afterId = rows[rows.length - 1].id;
    }
    return report;
  }
}
