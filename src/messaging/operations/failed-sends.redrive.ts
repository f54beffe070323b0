import { AuditTrail } from '@app/audit/audit-trail';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { HubName } from '@core/channel/hub-name';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { MessageEntity } from '../entities/message.entity';
import { messageEvents } from '../events/record-events.sql';
import { OutboundDispatcher } from '../outbound/outbound.dispatcher';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Which sends a re-drive takes; every filter narrows, none means "the last day's failures". */
export interface RedriveFilter {
  /** Only sends of this hub's accounts. */
  hub?: HubName;
  /** Only sends of this account (id or name). */
  channelAccount?: string;
  /** Only these messages; the only way to re-send a message whose outcome is `unknown`. */
  messageIds?: readonly string[];
  /** Only failures after this instant (default: the last 24 hours). */
  since?: Date;
}

/**
 * Re-drives failed sends of any channel: back to `queued` (error cleared) and onto the queue
 * again, now (the earlier job, kept under the same job id, is replaced). An explicit operator
 * action, so it may undo the otherwise final `failed`. Sends whose outcome is `unknown` are
 * re-sent only when named in `messageIds`: the operator decided to risk a duplicate for each.
 * Tenant-scoped: another tenant's ids and accounts match nothing.
 */
@Injectable()
export class FailedSendsRedrive {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly accounts: ChannelAccountsService,
    private readonly dispatcher: OutboundDispatcher,
    private readonly audit: AuditTrail,
  ) {}

  async retry(tenantId: string, filter: RedriveFilter): Promise<{ requeued: number }> {
    const accountId = filter.channelAccount
      ? (await this.accounts.get(tenantId, filter.channelAccount)).id
      : null;
    const since = filter.since ?? new Date(Date.now() - DAY_MS);
    // Back to queued is a status change like any other: subscribers hear of it in the same
    // statement (message.status_changed), so a mirror does not keep showing the send as failed.
    const rows: { id: string }[] = await this.messages.query(
      `WITH requeued AS (
         UPDATE messages m SET status = 'queued', failed_at = NULL, error_code = NULL, error_title = NULL,
                enqueued_at = NULL, updated_at = now()
         FROM channel_accounts a
         WHERE a.id = m.channel_account_id AND ($5::text IS NULL OR a.hub = $5)
           AND m.tenant_id = $1 AND m.direction = 'outbound'
           AND ((m.status = 'failed' AND m.failed_at >= $2) OR (m.status = 'unknown' AND $4::uuid[] IS NOT NULL))
           AND ($3::uuid IS NULL OR m.channel_account_id = $3)
           AND ($4::uuid[] IS NULL OR m.id = ANY($4))
         RETURNING m.id, m.tenant_id, m.conversation_id, m.status, m.error_code
       ), recorded AS (${messageEvents('requeued', 'message.status_changed')})
       SELECT id FROM requeued`,
      [tenantId, since, accountId, filter.messageIds ?? null, filter.hub ?? null],
    );
    // Audited before the enqueue: the rows are requeued already, and the sweeper sends them
    // even if this request dies here.
    await this.audit.record({
      action: 'messages.retried',
      tenantId,
      resource: { type: 'channel_account', id: accountId },
    });
    for (const { id } of rows) await this.dispatcher.enqueueAfresh(id);
    return { requeued: rows.length };
  }
}
