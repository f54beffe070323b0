import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { HubName } from '@core/channel/hub-name';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { MessageEntity } from '../entities/message.entity';

export interface MessageCountsFilter {
  /** Messages created from this instant on. */
  since: Date;
  /** Only this hub's accounts. */
  hub?: HubName;
  /** Only this account (id or name). */
  channelAccount?: string;
}

export interface MessageCount {
  channelAccountId: string;
  hub: string;
  direction: string;
  status: string;
  count: number;
}

/** How many of a tenant's messages are in each status, per account and direction. */
@Injectable()
export class MessageCountsQuery {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly accounts: ChannelAccountsService,
  ) {}

  async counts(tenantId: string, filter: MessageCountsFilter): Promise<MessageCount[]> {
    const accountId = filter.channelAccount
      ? (await this.accounts.get(tenantId, filter.channelAccount)).id
      : null;
    const rows: (Omit<MessageCount, 'count'> & { count: string })[] = await this.messages.query(
      `SELECT m.channel_account_id AS "channelAccountId", a.hub, m.direction, m.status,
              count(*) AS count
         FROM messages m JOIN channel_accounts a ON a.id = m.channel_account_id
        WHERE m.tenant_id = $1 AND m.created_at >= $2
          AND ($3::text IS NULL OR a.hub = $3) AND ($4::uuid IS NULL OR m.channel_account_id = $4)
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4`,
      [tenantId, filter.since, filter.hub ?? null, accountId],
    );
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }
}
