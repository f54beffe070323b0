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
import { ContactEntity } from './contact.entity';

/** Kinds of address a contact can be reached or recognised by. */
export type IdentityType = 'phone' | 'wa_id' | 'lid' | 'igsid' | 'bitrix_chat' | 'email';

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
  type!: IdentityType;

  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
