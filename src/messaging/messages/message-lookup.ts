import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MessageEntity, type MessageDirection } from '../entities/message.entity';
import { isUUID } from 'class-validator';
import { MicroBatcher } from '@core/batching/micro-batcher';
import { MessageContentCodec } from './encryption/message-content.codec';

/** Messages one batched read asks for. */
const MAX_MESSAGES_PER_QUERY = 500;

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

/**
 * One of a tenant's messages for a platform module (download its media, mark it read...),
 * without handing out messaging's entities or repositories.
 */
@Injectable()
export class MessageLookup {
  private readonly receivedBatch = perMessageBatch((keys) => this.receivedOf(keys));

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

  /**
   * The tenant's inbound message `id`; null when none is. Read for every received message by
   * each listener acting on words (consent keywords, reminder replies): the questions asked
   * in one tick share one query, and a message asked twice is read once.
   */
  received(tenantId: string, id: string): Promise<ReceivedMessage | null> {
    return this.receivedBatch.submit({ tenantId, id });
  }

  private async receivedOf(keys: MessageKey[]): Promise<Map<string, ReceivedMessage>> {
    const messages = await this.messages.find({
      where: keys.map(({ tenantId, id }) => ({ tenantId, id, direction: 'inbound' as const })),
    });
    return new Map(
      messages.map((message) => [keyOf(message), this.receivedView(message)] as const),
    );
  }

  private receivedView(message: MessageEntity): ReceivedMessage {
    const content = this.codec.open(message.id, message.content);
    const text = content.text;
    const payload = message.type === 'button_reply' ? content.payload : content.id;
    return {
      id: message.id,
      conversationId: message.conversationId,
      channelAccountId: message.channelAccountId,
      text: typeof text === 'string' ? text : null,
      payload:
        ['button_reply', 'interactive_reply'].includes(message.type) && typeof payload === 'string'
          ? payload
          : null,
    };
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

/** One of a tenant's messages, as the batched reads are asked for it. */
interface MessageKey {
  tenantId: string;
  id: string;
}

const keyOf = ({ tenantId, id }: MessageKey): string => `${tenantId}/${id}`;

/**
 * Questions about single messages asked in one tick, answered by one read of the distinct
 * messages asked (MicroBatcher): `read` answers what it found, by keyOf; the rest are null.
 */
function perMessageBatch<T>(
  read: (keys: MessageKey[]) => Promise<Map<string, T>>,
): MicroBatcher<MessageKey, T | null> {
  return new MicroBatcher<MessageKey, T | null>(async (keys: MessageKey[]) => {
    // A malformed id is nobody's message; asked with the others it would fail the whole read.
    const distinct = [...new Map(keys.map((key) => [keyOf(key), key])).values()].filter(
      (key) => isUUID(key.tenantId) && isUUID(key.id),
    );
    const found = distinct.length ? await read(distinct) : new Map<string, T>();
    return keys.map((key) => ({
      status: 'fulfilled' as const,
      value: found.get(keyOf(key)) ?? null,
    }));
  }, MAX_MESSAGES_PER_QUERY);
}
