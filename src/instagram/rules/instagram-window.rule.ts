import { Injectable } from '@nestjs/common';
import { DomainError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';
import { INSTAGRAM_CREDENTIALS } from '@app/instagram/graph/instagram.credentials';

const HOUR_MS = 60 * 60 * 1000;
/** Standard messaging: within 24 hours of the person's last message. */
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
/** The HUMAN_AGENT tag: a person's reply, up to 7 days after the person's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * Instagram's messaging window (Messenger Platform policy, which Instagram messaging shares):
 * a business answers within 24 hours of the person's last message; with the HUMAN_AGENT tag
 * (the account's `humanAgentTag` setting: a person answers through it) up to 7 days. Anything
 * later is refused here (422) rather than queued for Meta to refuse with 10/2018278.
 */
@Injectable()
@OutboundRule()
export class InstagramWindowRule implements OutboundRuleCheck {
  readonly name = 'instagram-messaging-window';

  constructor(private readonly accounts: ChannelAccountsService) {}

  appliesTo(context: OutboundContext): boolean {
    return context.account.hub === 'instagram';
  }

  async check({ tenantId, account, lastInboundAt, content, now }: OutboundContext): Promise<void> {
    const elapsed = lastInboundAt ? now.getTime() - lastInboundAt.getTime() : undefined;
    if (elapsed !== undefined && elapsed < STANDARD_WINDOW_MS) return;
    // The tag rides on a message (`messaging_type: MESSAGE_TAG`); typing, seen and reactions
    // are sender actions, whose documented body has no tag: standard window only.
    const taggable = content.type !== 'sender_action' && content.type !== 'reaction';
    if (taggable && elapsed !== undefined && elapsed < HUMAN_AGENT_WINDOW_MS) {
      // Only past 24 hours does the setting matter, so only then are credentials opened.
      if (await this.humanAgentTagged(tenantId, account.id)) return;
    }
    throw new DomainError(
      'INSTAGRAM.WINDOW_CLOSED',
      'unprocessable',
      !lastInboundAt
        ? 'This person has not written to the account, so no Instagram messaging window is open'
        : `Instagram's messaging window closed 24 hours after the person's last message ` +
            `(${lastInboundAt.toISOString()}); ` +
            (taggable
              ? "with the account's humanAgentTag setting on, a person may answer for up to 7 days"
              : 'typing, seen and reactions are not extended by the HUMAN_AGENT tag'),
    );
  }

  private async humanAgentTagged(tenantId: string, accountId: string): Promise<boolean> {
    const account = await this.accounts.open(tenantId, accountId);
    return INSTAGRAM_CREDENTIALS.parse(account.credentials, account).humanAgentTag === true;
  }
}
