import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MessageEntity } from '../entities/message.entity';

/** A send that ended `failed`: the platform refused it or its attempts ran out. */
export interface FailedSend {
  messageId: string;
  tenantId: string;
  channelAccountId: string;
  hub: string;
  /** Stable code (the platform's, or ours such as MESSAGE.OUTCOME_UNKNOWN). */
  errorCode: string | null;
  /** The platform's short error title; never the message text. */
  errorTitle: string | null;
  failedAt: Date;
}

export interface FailedSendsFilter {
  /** Only this tenant's sends; none: every tenant's (ops). */
  tenantId?: string;
  since: Date;
  /** Only these messages. */
  messageIds?: readonly string[];
  /** Leave these out (sends an operator discarded from the dead-letter view). */
  excludeIds?: readonly string[];
  /** Keyset: failures with an id above this one. */
  afterId?: string;
  limit: number;
}

/** Failed sends for dead-letter views (the re-drive itself is FailedSendsRedrive's). */
@Injectable()
export class FailedSendsQuery {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
  ) {}

  list(filter: FailedSendsFilter): Promise<FailedSend[]> {
    return this.messages.query(
      `SELECT m.id AS "messageId", m.tenant_id AS "tenantId",
              m.channel_account_id AS "channelAccountId", a.hub, m.error_code AS "errorCode",
              m.error_title AS "errorTitle", m.failed_at AS "failedAt"
         FROM messages m JOIN channel_accounts a ON a.id = m.channel_account_id
        WHERE m.status = 'failed' AND m.direction = 'outbound' AND m.failed_at >= $1
          AND ($2::uuid IS NULL OR m.tenant_id = $2)
          AND ($3::uuid[] IS NULL OR m.id = ANY($3))
          AND NOT (m.id = ANY($4::uuid[]))
          AND ($5::uuid IS NULL OR m.id > $5)
        ORDER BY m.id LIMIT $6`,
      [
        filter.since,
        filter.tenantId ?? null,
        filter.messageIds ?? null,
        filter.excludeIds ?? [],
        filter.afterId ?? null,
        filter.limit,
      ],
    );
  }

  /** How many sends failed since `since`, leaving out `excludeIds` (the dead-letter gauge). */
  async count(since: Date, excludeIds: readonly string[] = []): Promise<number> {
    const rows: { count: string }[] = await this.messages.query(
      `SELECT count(*) AS count FROM messages
        WHERE status = 'failed' AND direction = 'outbound' AND failed_at >= $1
          AND NOT (id = ANY($2::uuid[]))`,
      [since, excludeIds],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
