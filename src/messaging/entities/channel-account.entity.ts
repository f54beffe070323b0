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
import { TenantEntity } from '@app/tenants/entities/tenant.entity';

import type { ChannelAccountStatus } from '../channel-accounts/channel-account-status';

export type { ChannelAccountStatus };

/**
 * One account on one platform (a WhatsApp phone number on the Cloud API, an Evolution
 * instance, an Instagram account...). `credentials` is a SecretBox ciphertext, sealed with the
 * context `channel_accounts.credentials:<id>`; only ChannelAccountsService opens it.
 */
@Entity({ name: 'channel_accounts' })
// Unique among live rows only: a deleted account keeps its row (and history) without
// blocking the same platform account or name from being connected again.
@Index('channel_accounts_external_key', ['hub', 'provider', 'externalId'], {
  unique: true,
  where: 'deleted_at IS NULL',
})
@Index('channel_accounts_tenant_name_key', ['tenantId', 'name'], {
  unique: true,
  where: 'deleted_at IS NULL',
})
@Index('channel_accounts_webhook_verify_token_idx', ['webhookVerifyTokenSha256'], {
  where: 'webhook_verify_token_sha256 IS NOT NULL',
})
@Check(
  'channel_accounts_status_check',
  `status IN ('active', 'needs_reauth', 'disconnected', 'disabled')`,
)
export class ChannelAccountEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'channel_accounts_tenant_id_fkey' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  hub!: string;

  @Column({ type: 'text' })
  provider!: string;

  /** Tenant-chosen handle, unique per tenant: the frontend's "instanceId". */
  @Column({ type: 'text' })
  name!: string;

  /** The platform's id: Meta phone_number_id, Evolution instance name, Instagram account id. */
  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  @Column({ type: 'text', select: false })
  credentials!: string;

  /**
   * SHA-256 of the token this account's platform presents in its webhook handshake (Meta's
   * hub.verify_token for a number on a Meta app of its own). Only compared, never read back,
   * so it is hashed like an API key rather than sealed.
   */
  @Column({ name: 'webhook_verify_token_sha256', type: 'bytea', nullable: true, select: false })
  webhookVerifyTokenSha256!: Buffer | null;

  @Column({ type: 'text', default: 'active' })
  status!: ChannelAccountStatus;

  /** Another account of the same tenant and hub that takes sends when this one's provider fails. */
  @Column({ name: 'fallback_account_id', type: 'uuid', nullable: true })
  fallbackAccountId!: string | null;

  @ManyToOne(() => ChannelAccountEntity, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'fallback_account_id',
    foreignKeyConstraintName: 'channel_accounts_fallback_account_id_fkey',
  })
  fallbackAccount?: ChannelAccountEntity | null;

  /** A label for people (the frontend's list); `name` stays the handle integrations use. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  /**
   * Set while the tenant has switched the account off: it sends nothing and is never a
   * fallback, but its inbound is still stored. Orthogonal to `status`, which the platform
   * drives; the API shows `disabled` while this is set.
   */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  /** Set when the tenant deleted the account: hidden and unroutable, its history kept. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
