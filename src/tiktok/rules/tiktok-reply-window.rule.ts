import { Injectable } from '@nestjs/common';
import { DomainError } from '@core/errors/domain-error';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';
import { TIKTOK_LIMITS } from './tiktok-messaging.rules';
import { TikTokReplyReservations } from './tiktok-reply-reservations';

/**
 * TikTok's direct-message rules, enforced before a send is queued rather than left for TikTok
 * to refuse with 40064: the person writes first; a business then has 48 hours from the
 * person's last message, and at most 10 messages in that time (every message of the person
 * starts a new window and a new count). Replies typed in TikTok's app count too. The count is
 * taken as a reservation (TikTokReplyReservations), so sends checked at the same time cannot
 * share the last slot.
 */
@Injectable()
@OutboundRule()
export class TikTokReplyWindowRule implements OutboundRuleCheck {
  readonly name = 'tiktok-reply-window';

  constructor(
    private readonly conversations: ConversationsService,
    private readonly reservations: TikTokReplyReservations,
  ) {}

  appliesTo(context: OutboundContext): boolean {
    return context.account.hub === 'tiktok';
  }

  async check({ account, contactId, lastInboundAt, now }: OutboundContext): Promise<void> {
    if (!lastInboundAt) {
      throw new DomainError(
        'TIKTOK.NO_CONVERSATION',
        'unprocessable',
        'This person has not written to the TikTok account; TikTok lets businesses reply only',
      );
    }
    if (now.getTime() - lastInboundAt.getTime() >= TIKTOK_LIMITS.replyWindowMs) {
      throw new DomainError(
        'TIKTOK.REPLY_WINDOW_CLOSED',
        'unprocessable',
        `TikTok's reply window closed 48 hours after the person's last message ` +
          `(${lastInboundAt.toISOString()}); it opens again when they write`,
      );
    }
    const seen = await this.conversations.outboundSince(account.id, contactId, lastInboundAt);
    const reserved = await this.reservations.reserve({
      accountId: account.id,
      contactId,
      windowStart: lastInboundAt,
      seen,
      limit: TIKTOK_LIMITS.repliesPerWindow,
      now,
    });
    if (!reserved) {
      throw new DomainError(
        'TIKTOK.REPLY_LIMIT_REACHED',
        'unprocessable',
        `TikTok allows ${TIKTOK_LIMITS.repliesPerWindow} messages after the person's last ` +
          'message; more can go once they write again',
      );
    }
  }
}
