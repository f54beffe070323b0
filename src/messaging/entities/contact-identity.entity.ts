import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import type { IdentityKind } from '@core/channel/messaging-rules';
import { ContactEntity } from './contact.entity';

@Entity({ name: 'contact_identities' })
@Unique('contact_identities_tenant_type_value_key', ['tenantId', 'type', 'value'])
@Index('contact_identities_contact_id_idx', ['contactId'])
export class ContactIdentityEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'contact_id',
    foreignKeyConstraintName: 'contact_identities_contact_id_fkey',
  })
  contact?: ContactEntity;

  @Column({ type: 'text' })
  /** A kind the registered providers declare (MessagingRules.identityKinds), or 'phone'. */
  type!: IdentityKind;

  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
