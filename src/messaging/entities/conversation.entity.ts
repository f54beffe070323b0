import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { ChannelAccountEntity } from './channel-account.entity';
import { ContactEntity } from './contact.entity';

/** One contact on one channel account. `lastInboundAt` drives WhatsApp's 24-hour window. */
@Entity({ name: 'conversations' })
@Unique('conversations_account_contact_key', ['channelAccountId', 'contactId'])
@Index('conversations_tenant_activity_idx', ['tenantId', 'lastMessageAt', 'id'])
@Index('conversations_contact_id_idx', ['contactId'])
@Check('conversations_status_check', `status IN ('open', 'closed')`)
export class ConversationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'channel_account_id', type: 'uuid' })
  channelAccountId!: string;

  @ManyToOne(() => ChannelAccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'channel_account_id',
    foreignKeyConstraintName: 'conversations_channel_account_id_fkey',
  })
  channelAccount?: ChannelAccountEntity;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id', foreignKeyConstraintName: 'conversations_contact_id_fkey' })
  contact?: ContactEntity;

  @Column({ type: 'text', default: 'open' })
  status!: 'open' | 'closed';

  @Column({ name: 'last_message_at', type: 'timestamptz' })
  lastMessageAt!: Date;

  @Column({ name: 'last_inbound_at', type: 'timestamptz', nullable: true })
  lastInboundAt!: Date | null;

  // Copies for the conversation list, kept by triggers (migration 1795405000000): its last
  // message as the list shows it, and its contact's display fields. Personal data like the
  // originals (never logged); erasure deletes the conversation with them.
  @Column({ name: 'last_message_id', type: 'uuid', nullable: true })
  lastMessageId!: string | null;

  @Column({ name: 'last_message_direction', type: 'text', nullable: true })
  lastMessageDirection!: string | null;

  @Column({ name: 'last_message_type', type: 'text', nullable: true })
  lastMessageType!: string | null;

  /** Cut to PREVIEW_CHARS when plain; as stored (sealed) when the message's text is sealed. */
  @Column({ name: 'last_message_text', type: 'text', nullable: true })
  lastMessageText!: string | null;

  @Column({ name: 'last_message_sealed', type: 'boolean', nullable: true })
  lastMessageSealed!: boolean | null;

  @Column({ name: 'last_message_created_at', type: 'timestamptz', nullable: true })
  lastMessageCreatedAt!: Date | null;

  @Column({ name: 'contact_display_name', type: 'text', nullable: true })
  contactDisplayName!: string | null;

  @Column({ name: 'contact_phone', type: 'text', nullable: true })
  contactPhone!: string | null;

  @Column({ name: 'contact_avatar_url', type: 'text', nullable: true })
  contactAvatarUrl!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
