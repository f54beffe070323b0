import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MessageEntity, type MessageDirection } from '../entities/message.entity';

/** What a platform module may read of one stored message to act on it with its platform. */
export interface StoredMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly channelAccountId: string;
  readonly provider: string;
  readonly direction: MessageDirection;
  readonly type: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly providerMessageId: string | null;
}

/**
 * One of a tenant's messages for a platform module (download its media, mark it read...),
 * without handing out messaging's entities or repositories.
 */
@Injectable()
export class MessageLookup {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
  ) {}

  /** The tenant's message carried by `provider`; null for another tenant's or provider's. */
  async find(tenantId: string, id: string, provider: string): Promise<StoredMessage | null> {
    const message = await this.messages.findOneBy({ id, tenantId, provider });
    if (!message) return null;
    const { channelAccountId, direction, type, content, providerMessageId } = message;
    return {
      id,
      tenantId,
      channelAccountId,
      provider,
      direction,
      type,
      content,
      providerMessageId,
    };
  }
}
