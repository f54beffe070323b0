import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MessageEntity, type MessageDirection } from '../entities/message.entity';
import { MicroBatcher } from '@core/batching/micro-batcher';
import { MessageContentCodec } from './encryption/message-content.codec';

/** Messages whose kind one query reads. */
const MAX_KINDS_PER_QUERY = 500;

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
  /** The sender's idempotency key: a module that sent it knows it by the key it chose. */
  readonly idempotencyKey: string | null;
}

/** What a stream listener may read of one received message to act on its words. */
export interface ReceivedMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly channelAccountId: string;
  /** The text the contact wrote (a text, or the title of a tapped button); null for others. */
  readonly text: string | null;
  /**
   * What a tapped button or list row carries for the business (a template quick reply's
   * `payload`, an interactive reply's id); null for anything else.
   */
  readonly payload: string | null;
}

/** What a message is, for counting it: no ids, no content. */
export interface MessageKind {
  readonly hub: string;
  readonly direction: MessageDirection;
  readonly type: string;
}

/**
 * One of a tenant's messages for a platform module (download its media, mark it read...),
 * without handing out messaging's entities or repositories.
 */
@Injectable()
export class MessageLookup {
  private readonly kinds = new MicroBatcher(
    (keys: { tenantId: string; id: string }[]) => this.kindsOf(keys),
    MAX_KINDS_PER_QUERY,
  );

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly codec: MessageContentCodec,
  ) {}

  /** The tenant's message carried by `provider`; null for another tenant's or provider's. */
  async find(tenantId: string, id: string, provider: string): Promise<StoredMessage | null> {
    const message = await this.messages.findOneBy({ id, tenantId, provider });
    return message ? this.storedOf(message) : null;
  }

  /** The tenant's messages among `ids` (another tenant's are not found), in one query. */
  async findMany(tenantId: string, ids: readonly string[]): Promise<StoredMessage[]> {
    if (!ids.length) return [];
    return (await this.messages.findBy({ tenantId, id: In([...ids]) })).map((message) =>
      this.storedOf(message),
    );
  }

  /** The tenant's inbound message `id` (consent keywords read it); null when none is. */
  async received(tenantId: string, id: string): Promise<ReceivedMessage | null> {
    const message = await this.messages.findOneBy({ id, tenantId, direction: 'inbound' });
    if (!message) return null;
    const content = this.codec.open(id, message.content);
    const text = content.text;
    const payload = message.type === 'button_reply' ? content.payload : content.id;
    return {
      id,
      conversationId: message.conversationId,
      channelAccountId: message.channelAccountId,
      text: typeof text === 'string' ? text : null,
      payload:
        ['button_reply', 'interactive_reply'].includes(message.type) && typeof payload === 'string'
          ? payload
          : null,
    };
  }

  /**
   * The hub, direction and type of the tenant's message `id`; null when it is gone. Asked for
   * every event a poll delivers (hub_messages_total): the streams of one poll are delivered
   * concurrently, so their questions share one query.
   */
  kind(tenantId: string, id: string): Promise<MessageKind | null> {
    return this.kinds.submit({ tenantId, id });
  }

  private async kindsOf(
    keys: { tenantId: string; id: string }[],
  ): Promise<PromiseSettledResult<MessageKind | null>[]> {
    const rows: (MessageKind & { tenant_id: string; id: string })[] = await this.messages.query(
      `SELECT m.tenant_id, m.id, a.hub, m.direction, m.type FROM messages m
         JOIN channel_accounts a ON a.id = m.channel_account_id
        WHERE (m.tenant_id, m.id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [keys.map((key) => key.tenantId), keys.map((key) => key.id)],
    );
    const found = new Map(
      rows.map(({ tenant_id, id, hub, direction, type }) => [
        `${tenant_id}/${id}`,
        { hub, direction, type },
      ]),
    );
    return keys.map((key) => ({
      status: 'fulfilled',
      value: found.get(`${key.tenantId}/${key.id}`) ?? null,
    }));
  }

  /** Decrypted for the platform module: content never leaves messaging sealed. */
  private storedOf(message: MessageEntity): StoredMessage {
    const { id, tenantId, channelAccountId, provider, direction, type } = message;
    const { providerMessageId, idempotencyKey } = message;
    return {
      id,
      tenantId,
      channelAccountId,
      provider,
      direction,
      type,
      content: this.codec.open(id, message.content),
      providerMessageId,
      idempotencyKey,
    };
  }
}
