import { ApiProperty } from '@nestjs/swagger';
import type {
  ChannelAccountEntity,
  ChannelAccountStatus,
} from '../entities/channel-account.entity';

/** A channel account as the API shows it: never its credentials. */
export class ChannelAccountDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'whatsapp' })
  hub!: string;

  @ApiProperty({ example: 'meta-cloud' })
  provider!: string;

  @ApiProperty({
    example: 'main-line',
    description: 'Tenant-chosen handle (the frontend\'s "instanceId")',
  })
  name!: string;

  @ApiProperty({
    example: '106540352242922',
    description: "The platform's account id (e.g. phone_number_id)",
  })
  externalId!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Store front desk',
    description: 'A label for people; `name` stays the handle integrations use',
  })
  displayName!: string | null;

  @ApiProperty({
    enum: ['active', 'needs_reauth', 'disconnected', 'disabled'],
    description: '`disabled` while the tenant has switched the account off (see `enabled`)',
  })
  status!: ChannelAccountStatus;

  @ApiProperty({
    description:
      'False while the tenant has switched the account off: it sends nothing and is never a ' +
      'fallback; messages customers send to it are still stored',
  })
  enabled!: boolean;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "Takes sends when this account's provider fails",
  })
  fallbackAccountId!: string | null;

  @ApiProperty()
  createdAt!: Date;

  static from(entity: ChannelAccountEntity): ChannelAccountDto {
    const { id, hub, provider, name, externalId, fallbackAccountId, createdAt } = entity;
    return {
      id,
      hub,
      provider,
      name,
      displayName: entity.displayName ?? null,
      externalId,
      status: effectiveStatus(entity),
      enabled: !entity.disabledAt,
      fallbackAccountId: fallbackAccountId ?? null,
      createdAt,
    };
  }
}

/** The status the API and the send path see: the tenant's switch wins over the platform's. */
export function effectiveStatus(
  account: Pick<ChannelAccountEntity, 'status' | 'disabledAt'>,
): ChannelAccountStatus {
  return account.disabledAt ? 'disabled' : account.status;
}
