import { Injectable, Logger } from '@nestjs/common';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import type { NormalizedEvent } from '@app/messaging/inbound/normalized-event';
import {
  StatusesNotYetMatchedError,
  UNMATCHED_STATUS_RETRIES,
} from '@app/messaging/inbound/unmatched-statuses';
import { META_INSTAGRAM_INBOX_SOURCE } from '@app/meta/webhooks/meta-webhook-objects';
import { INSTAGRAM_PROVIDER } from '@app/instagram/graph/instagram.provider';
import { parseInstagramWebhook } from './instagram-webhook.parser';

/**
 * Turns a stored Instagram delivery of Meta's webhook (object instagram, taken in by meta/'s
 * `/webhooks/meta`) into messages and read receipts, per Instagram account. Idempotent (the
 * pipeline stores each message once and moves statuses forward only), so the retries that
 * wait for a read receipt of a send still being recorded are safe.
 */
@Injectable()
@InboundHandler()
export class InstagramInboundHandler implements InboundEventHandler {
  readonly source = META_INSTAGRAM_INBOX_SOURCE;
  private readonly logger = new Logger(InstagramInboundHandler.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly pipeline: InboundPipeline,
  ) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const { events, skipped } = parseInstagramWebhook(record.payload);
    if (skipped.length) {
      // Paths and reasons only: the parser never quotes message contents.
      this.logger.warn(
        { inboxId: record.id, skipped },
        'Parts of an Instagram webhook were skipped',
      );
    }
    let unmatched = 0;
    for (const [accountId, group] of byAccount(events)) {
      const account = await this.accounts.openByExternalId(
        'instagram',
        INSTAGRAM_PROVIDER,
        accountId,
      );
      if (!account) {
        this.logger.warn(
          { inboxId: record.id, instagramAccountId: accountId },
          'Instagram webhook for an account that is not connected; acknowledged and dropped',
        );
        continue;
      }
      unmatched += (await this.pipeline.ingest(account, group)).statusesUnmatched;
    }
    if (unmatched > 0 && record.attempts < UNMATCHED_STATUS_RETRIES) {
      throw new StatusesNotYetMatchedError(unmatched);
    }
  }
}

function byAccount(events: readonly NormalizedEvent[]): Map<string, NormalizedEvent[]> {
  const groups = new Map<string, NormalizedEvent[]>();
  for (const event of events) {
    const group = groups.get(event.accountExternalId) ?? [];
    group.push(event);
    groups.set(event.accountExternalId, group);
  }
  return groups;
}
