import { Injectable } from '@nestjs/common';
import { DomainError } from '@core/errors/domain-error';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';

const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * WhatsApp's customer-service window (Cloud API): free-form messages only within 24 hours of
 * the contact's last message; outside it, only an approved template may open the
 * conversation. Refusing here (422) beats queueing a send Meta will reject with 131047.
 */
@Injectable()
@OutboundRule()
export class CustomerServiceWindowRule implements OutboundRuleCheck {
  readonly name = 'whatsapp-customer-service-window';

  appliesTo(context: OutboundContext): boolean {
    return (
      context.account.hub === 'whatsapp' &&
      context.account.provider === 'meta-cloud' &&
      context.content.type !== 'template'
    );
  }

  check({ lastInboundAt, now }: OutboundContext): void {
    if (lastInboundAt && now.getTime() - lastInboundAt.getTime() < WINDOW_MS) return;
    throw new DomainError(
      'WHATSAPP.WINDOW_CLOSED',
      'unprocessable',
      lastInboundAt
        ? `The 24-hour customer-service window closed at ${new Date(lastInboundAt.getTime() + WINDOW_MS).toISOString()}; send an approved template instead`
        : 'The contact has not written to this number, so no customer-service window is open; send an approved template instead',
    );
  }
}
