import {
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

/** A person, once per tenant, however many channels they write from (see ContactIdentityEntity). */
@Entity({ name: 'contacts' })
@Index('contacts_tenant_id_idx', ['tenantId', 'id'])
export class ContactEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'contacts_tenant_id_fkey' })
  tenant?: TenantEntity;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  /** E.164, when known. Personal data: never logged. */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  /** The picture a platform's profile lookup gave (a signed CDN link that expires). */
  @Column({ name: 'avatar_url', type: 'text', nullable: true })
  avatarUrl!: string | null;

  @Column({ name: 'avatar_updated_at', type: 'timestamptz', nullable: true })
  avatarUpdatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
