import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ReferredProduct } from '../inbound/normalized-event';
import { ConversationEntity } from './conversation.entity';

export type MessageDirection = 'inbound' | 'outbound';
export type MessageStatus =
  'received' | 'queued' | 'sending' | 'unknown' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * One message, either way. `content` is the channel-agnostic content (personal data: never
 * logged). Outbound status timestamps are the message's status history; they only move
 * forward (see status-machine.ts).
 */
@Entity({ name: 'messages' })
@Index('messages_account_provider_message_key', ['channelAccountId', 'providerMessageId'], {
  unique: true,
  where: 'provider_message_id IS NOT NULL',
})
@Index('messages_conversation_id_idx', ['conversationId', 'id'])
@Index('messages_tenant_id_idx', ['tenantId', 'id'])
@Index('messages_tenant_idempotency_key', ['tenantId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
@Index('messages_idempotency_key_created_idx', ['createdAt'], {
  where: 'idempotency_key IS NOT NULL',
})
@Index('messages_unenqueued_idx', ['createdAt'], {
  where: `status = 'queued' AND enqueued_at IS NULL`,
})
@Index('messages_queued_enqueued_idx', ['enqueuedAt'], { where: `status = 'queued'` })
@Index('messages_failed_at_idx', ['failedAt'], { where: `status = 'failed'` })
@Index('messages_unsettled_send_idx', ['conversationId'], {
  where: `status IN ('sending', 'unknown')`,
})
@Check('messages_direction_check', `direction IN ('inbound', 'outbound')`)
@Check(
  'messages_status_check',
  `status IN ('received', 'queued', 'sending', 'unknown', 'sent', 'delivered', 'read', 'failed')`,
)
export class MessageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'conversation_id',
    foreignKeyConstraintName: 'messages_conversation_id_fkey',
  })
  conversation?: ConversationEntity;

  @Column({ name: 'channel_account_id', type: 'uuid' })
  channelAccountId!: string;

  @Column({ type: 'text' })
  direction!: MessageDirection;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;

  @Column({ type: 'text' })
  status!: MessageStatus;

  /** The provider that carried it ('meta-cloud', 'evolution'...). */
  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @Column({ name: 'reply_to_provider_message_id', type: 'text', nullable: true })
  replyToProviderMessageId!: string | null;

  /** Our id of the replied-to message, when we had it as the reply was stored. */
  @Column({ name: 'reply_to_message_id', type: 'uuid', nullable: true })
  replyToMessageId!: string | null;

  /** The catalog product a customer's enquiry is about (Meta's context.referred_product). */
  @Column({ name: 'referred_product', type: 'jsonb', nullable: true })
  referredProduct!: ReferredProduct | null;

  /** The client's Idempotency-Key, per tenant, until IDEMPOTENCY_KEY_RETENTION_HOURS release it. */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Hash of the route and request the key came with (request-fingerprint.ts). */
  @Column({ name: 'idempotency_fingerprint', type: 'text', nullable: true })
  idempotencyFingerprint!: string | null;

  /**
   * What an outbound send is for (`service`, `marketing`, ...; SendPurposes), kept so the
   * worker re-checks consent for the same purpose; null for inbound and older sends.
   */
  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_title', type: 'text', nullable: true })
  errorTitle!: string | null;

  /** Set when the send moved from the conversation's account to its fallback account, and why. */
  @Column({ name: 'fallback_reason', type: 'text', nullable: true })
  fallbackReason!: string | null;

  /** When the platform says the message was sent (inbound), as opposed to when we stored it. */
  @Column({ name: 'platform_timestamp', type: 'timestamptz', nullable: true })
  platformTimestamp!: Date | null;

  /** When the sender last edited it (platform clock); the content holds the new text. */
  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  /** When the sender deleted (unsent) it (platform clock); its content is removed. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** Received (inbound) or queued (outbound). */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;

  /** The worker that claimed the send (`sending`), and when that claim lapses (its lease). */
  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
