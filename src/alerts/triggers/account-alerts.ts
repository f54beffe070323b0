import { Injectable } from '@nestjs/common';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { NotFoundError } from '@core/errors/domain-error';
import type { ChannelAccountDto } from '@app/messaging/channel-accounts/channel-account.view';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { AlertType } from '../alert-types';

const CONDITIONS = [AlertType.AccountNeedsReauth, AlertType.AccountDisconnected] as const;

/**
 * A channel account leaving `active` is a tenant alert, heard by the tenant's own channels:
 * `needs_reauth` (credentials expired or revoked: someone must log in again) and
 * `disconnected` (an Evolution instance lost its WhatsApp session). Back to `active`, or
 * deleted (`disabled`), resolves both. The account's current status is read first: a stale
 * event delivered again after a crash must not raise an alert for an account that is fine.
 */
@Injectable()
export class AccountAlerts {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly alerts: AlertRaiser,
  ) {}

  @OnMessagingEvent({ subscriber: 'alerts.accounts', types: ['account.status_changed'] })
  async onStatusChanged(event: MessagingEvent): Promise<void> {
    const account = await this.current(event.tenantId, event.streamId);
    const status = account?.status ?? 'disabled';
    if (status !== event.status) return;
    const condition = (type: string) => ({
      type,
      subject: `account/${event.streamId}`,
      tenantId: event.tenantId,
    });
    if (account && (status === 'needs_reauth' || status === 'disconnected')) {
      const type =
        status === 'needs_reauth' ? AlertType.AccountNeedsReauth : AlertType.AccountDisconnected;
      const what = `${account.hub} account "${account.name}" (${account.provider})`;
      await this.alerts.raise({
        ...condition(type),
        severity: 'warning',
        title:
          status === 'needs_reauth'
            ? `${what} needs to be re-authorised`
            : `${what} is disconnected`,
        detail:
          status === 'needs_reauth'
            ? 'Its credentials were refused by the platform; sends fail until it is connected again.'
            : 'The instance lost its session with the platform; reconnect it (scan the QR code).',
        labels: { hub: account.hub, provider: account.provider, accountId: account.id },
      });
      const other = CONDITIONS.find((c) => c !== type) ?? type;
      await this.alerts.resolve(condition(other), `The account is ${status} now.`);
      return;
    }
    for (const type of CONDITIONS) {
      await this.alerts.resolve(condition(type), `The account is ${status} again.`);
    }
  }

  private async current(
    tenantId: string,
    accountId: string,
  ): Promise<ChannelAccountDto | undefined> {
    try {
      return await this.accounts.get(tenantId, accountId);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}
