import { Injectable } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { OutboundContent } from '@core/channel/outbound-message';
import { DomainError } from '@core/errors/domain-error';
import type { MessageEntity } from '../entities/message.entity';
import type { RuleFacts, RuleFactsQuery } from './outbound-rule';
import { OutboundRules } from './outbound-rules';
import { SERVICE_PURPOSE } from './send-purpose';

/**
 * The outbound rules marked `recheckBeforeSend`, asked again by the worker for a queued send
 * right before the platform is called: a consent withdrawn between accept and send wins. A
 * refusal is returned (the sender fails the message with its code), not thrown; our own
 * failures (PostgreSQL) are thrown to the processor's outage handling.
 */
@Injectable()
export class SendRecheck {
  /** The re-checked rules' facts, for the worker's read of the send to bring along. */
  readonly factsSql: RuleFactsQuery = (refs) => this.rules.factsSql(refs, 'recheck');

  constructor(private readonly rules: OutboundRules) {}

  /**
   * `recipient` is read with the message (MessagesRepository.findOutboundForSend): the contact
   * of its conversation, when they last wrote on the message's account and, asked for with
   * `factsSql`, the rules' facts about them.
   */
  async refusal(
    message: MessageEntity,
    account: Pick<ChannelAccountRef, 'id' | 'hub' | 'provider'>,
    recipient: { contactId: string | null; lastInboundAt: Date | null; ruleFacts?: RuleFacts },
  ): Promise<DomainError | undefined> {
    const { contactId, lastInboundAt, ruleFacts } = recipient;
    if (!contactId) return undefined;
    const { to: _to, ...content } = message.content as Record<string, unknown> & { to: string };
    try {
      await this.rules.recheck({
        tenantId: message.tenantId,
        account,
        contactId,
        lastInboundAt,
        content: { ...content, type: message.type } as OutboundContent,
        // Sends queued before purposes were kept are judged as service, the least demanding.
        purpose: message.purpose ?? SERVICE_PURPOSE,
        now: new Date(),
        facts: ruleFacts,
      });
      return undefined;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'unprocessable') return error;
      throw error;
    }
  }
}
