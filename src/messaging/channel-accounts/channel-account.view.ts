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

  @ApiProperty({ enum: ['active', 'needs_reauth', 'disconnected', 'disabled'] })
  status!: ChannelAccountStatus;

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
    const { id, hub, provider, name, externalId, status, fallbackAccountId, createdAt } = entity;
    return {
      id,
      hub,
      provider,
      name,
      externalId,
      status,
      fallbackAccountId: fallbackAccountId ?? null,
      createdAt,
    };
  }
}
