import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
} from 'class-validator';
import { HUB_NAMES, HubName } from '@core/channel/hub-name';

/** Most messages one re-drive may name (a larger batch goes by account or time instead). */
export const MAX_REDRIVE_IDS = 1_000;

/** The filters both operations take: one hub, one channel account. */
class ChannelFilterDto {
  @ApiPropertyOptional({ enum: HUB_NAMES, example: 'whatsapp', description: 'Only this hub' })
  @IsOptional()
  @IsIn(HUB_NAMES)
  hub?: HubName;

  @ApiPropertyOptional({
    example: 'main-line',
    description: 'Only this channel account (id or name)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  channelAccountId?: string;
}

export class RetrySendsDto extends ChannelFilterDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_REDRIVE_IDS,
    description:
      'Only these messages (Omnihub ids); also re-sends those whose outcome is `unknown`, ' +
      'which are never re-sent otherwise',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REDRIVE_IDS)
  @IsUUID('all', { each: true })
  messageIds?: string[];

  @ApiPropertyOptional({
    example: '2026-11-22T00:00:00Z',
    description: 'Only failures after this instant (default: the last 24 hours)',
  })
  @IsOptional()
  @IsISO8601()
  since?: string;
}

export class RequeuedDto {
  @ApiProperty({ example: 3, description: 'How many sends went back to the queue' })
  requeued!: number;
}

export class MessageCountsQueryDto extends ChannelFilterDto {
  @ApiPropertyOptional({
    example: '2026-11-22T00:00:00Z',
    description: 'Count messages created from this instant on (default: the last 24 hours)',
  })
  @IsOptional()
  @IsISO8601()
  since?: string;
}

export class MessageCountDto {
  @ApiProperty({ format: 'uuid' })
  channelAccountId!: string;

  @ApiProperty({ enum: HUB_NAMES })
  hub!: string;

  @ApiProperty({ enum: ['inbound', 'outbound'] })
  direction!: string;

  @ApiProperty({
    enum: ['queued', 'sending', 'unknown', 'sent', 'delivered', 'read', 'failed', 'received'],
  })
  status!: string;

  @ApiProperty({ example: 42 })
  count!: number;
}

export class MessageCountsDto {
  @ApiProperty({ type: String, format: 'date-time' })
  since!: Date;

  @ApiProperty({ type: [MessageCountDto] })
  counts!: MessageCountDto[];
}
