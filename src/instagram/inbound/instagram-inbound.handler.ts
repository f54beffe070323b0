import { Injectable, Logger } from '@nestjs/common';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { IngestByAccount } from '@app/messaging/inbound/ingest-by-account';
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

  constructor(private readonly ingest: IngestByAccount) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const { events, skipped } = parseInstagramWebhook(record.payload);
    if (skipped.length) {
      // Paths and reasons only: the parser never quotes message contents.
      this.logger.warn(
        { inboxId: record.id, skipped },
        'Parts of an Instagram webhook were skipped',
      );
    }
    await this.ingest.ingest(
      { hub: 'instagram', provider: INSTAGRAM_PROVIDER },
      events,
      record.attempts,
      (instagramAccountId) =>
        this.logger.warn(
          { inboxId: record.id, instagramAccountId },
          'Instagram webhook for an account that is not connected; acknowledged and dropped',
        ),
    );
  }
}
