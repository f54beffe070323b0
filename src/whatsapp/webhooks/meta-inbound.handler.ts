import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { IngestByAccount } from '@app/messaging/inbound/ingest-by-account';
import { META_WHATSAPP_INBOX_SOURCE } from '@app/meta/webhooks/meta-webhook-objects';
import { WHATSAPP_WEBHOOK_UNKNOWN_ACCOUNT_TOTAL } from './whatsapp-webhook.metrics';
import { parseMetaWebhook } from './meta-webhook.parser';

/**
 * Turns a stored WhatsApp delivery of Meta's webhook (object whatsapp_business_account, taken
 * in by meta/'s `/webhooks/meta`) into messages and status updates, per business number.
 * Idempotent (the pipeline stores each message once and moves statuses forward only), so the
 * retries that wait for unmatched statuses are safe.
 */
@Injectable()
@InboundHandler()
export class MetaInboundHandler implements InboundEventHandler {
  readonly source = META_WHATSAPP_INBOX_SOURCE;
  private readonly logger = new Logger(MetaInboundHandler.name);

  constructor(
    private readonly ingest: IngestByAccount,
    @InjectMetric(WHATSAPP_WEBHOOK_UNKNOWN_ACCOUNT_TOTAL) private readonly unknownAccounts: Counter,
  ) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const { events, skipped } = parseMetaWebhook(record.payload);
    if (skipped.length) {
      // Paths and reasons only: the parser never quotes message contents.
      this.logger.warn({ inboxId: record.id, skipped }, 'Parts of a Meta webhook were skipped');
    }
    await this.ingest.ingest(
      { hub: 'whatsapp', provider: 'meta-cloud' },
      events,
      record.attempts,
      (phoneNumberId) => {
        // Counted once per delivery, not once per retry of the same delivery.
        if (record.attempts === 0) this.unknownAccounts.inc();
        this.logger.warn(
          { inboxId: record.id, phoneNumberId },
          'Meta webhook for a phone number id with no channel account; acknowledged and dropped',
        );
      },
    );
  }
}
