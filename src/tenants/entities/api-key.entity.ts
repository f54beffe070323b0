import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * A tenant API key. Only its SHA-256 digest is stored (keys carry 190 bits of randomness, so a
 * fast hash is enough and keeps lookup to one indexed read); `prefix` is the visible start of
 * the key, shown in listings so people can tell keys apart.
 */
@Entity({ name: 'api_keys' })
@Index('api_keys_tenant_id_idx', ['tenantId', 'id'])
export class ApiKeyEntity {
  /** UUIDv7 (see newId): creation-ordered. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'api_keys_tenant_id_fkey' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'bytea', unique: true, select: false })
  keyHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
