import { Injectable, Logger } from '@nestjs/common';
import type { ChannelAccountStatus } from '@app/messaging/channel-accounts/channel-account-status';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import {
  StatusesNotYetMatchedError,
  UNMATCHED_STATUS_RETRIES,
} from '@app/messaging/inbound/unmatched-statuses';
import { asObject, asString } from '@app/messaging/inbound/webhook-payload.reader';
import { EVOLUTION_INBOX_SOURCE } from './evolution-webhook.controller';
import { EvolutionQrStore } from './evolution-webhook-qr.store';
import { EvolutionConnectionState, parseEvolutionWebhook } from './evolution-webhook.parser';

/** 'connecting' is a transition: the account keeps whatever status it had. */
const ACCOUNT_STATUS: Partial<Record<EvolutionConnectionState, ChannelAccountStatus>> = {
  open: 'active',
  close: 'disconnected',
};

/**
 * Turns a stored Evolution webhook into messages, status updates, the account's connection
 * status and its latest QR code. A new QR code is announced on the event stream as
 * `account.status_changed` with status `qr_updated` and the account's id only. The QR is a
 * pairing credential: whichever phone scans it first becomes the instance's WhatsApp, so a
 * leaked QR lets someone else's phone take the tenant's instance over (its sends would go out
 * from, and be read on, that phone). It therefore stays behind the authenticated
 * `GET /api/v2/whatsapp/instances/{instanceId}/qr` and out of the live-event log and tenants'
 * webhook deliveries, which are kept for hours and logged by receivers. Idempotent: the
 * pipeline stores each message once and moves statuses forward only; status and QR writes are
 * last-writer-wins.
 */
@Injectable()
@InboundHandler()
export class EvolutionInboundHandler implements InboundEventHandler {
  readonly source = EVOLUTION_INBOX_SOURCE;
  private readonly logger = new Logger(EvolutionInboundHandler.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly pipeline: InboundPipeline,
    private readonly qrCodes: EvolutionQrStore,
  ) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const account = await this.accountOf(record);
    if (!account) return;
    const parsed = parseEvolutionWebhook(record.payload);
    if (parsed.skipped.length) {
      // Reasons only: the parser never quotes message contents or numbers.
      this.logger.debug({ inboxId: record.id, event: parsed.event, skipped: parsed.skipped });
    }
    if (parsed.events.length) {
      const { statusesUnmatched } = await this.pipeline.ingest(account, parsed.events);
      // Our send may still be recording the key id this status names.
      if (statusesUnmatched > 0 && record.attempts < UNMATCHED_STATUS_RETRIES) {
        throw new StatusesNotYetMatchedError(statusesUnmatched);
      }
    }
    if (parsed.connection) {
      const { state, reason } = parsed.connection;
      const status = ACCOUNT_STATUS[state];
      if (status) await this.accounts.setStatus(account.id, status);
      if (state === 'open') await this.qrCodes.clear(account.id);
      const log = { accountId: account.id, state, reason, status: status ?? 'unchanged' };
      if (state === 'close') this.logger.warn(log, 'Evolution instance disconnected');
      else this.logger.log(log, 'Evolution instance connection changed');
    }
    if (parsed.qr) {
      // Announced before it is kept: a crash in between announces it again on the retry
      // (at least once, as every stream event), never not at all.
      if (await this.qrCodes.isNew(account.id, parsed.qr)) {
        await this.accounts.recordQrUpdated(account.id);
      }
      const sentAt = asString(asObject(record.payload)?.date_time);
      await this.qrCodes.save(account.id, {
        ...parsed.qr,
        receivedAt: sentAt ?? record.receivedAt.toISOString(),
      });
    }
  }

  /** The account the controller authenticated; gone only if it was deleted since. */
  private async accountOf(record: InboundEventRecord) {
    if (!record.tenantId || !record.accountRef) {
      this.logger.warn({ inboxId: record.id }, 'Evolution event without an account; dropped');
      return null;
    }
    try {
      return await this.accounts.open(record.tenantId, record.accountRef);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      this.logger.warn({ inboxId: record.id }, 'Evolution event for a deleted account; dropped');
      return null;
    }
  }
}
