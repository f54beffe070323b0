import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '@core/api/pagination';
import { HUB_NAMES, HubName } from '@core/channel/hub-name';
import type { MessageDirection, MessageStatus } from '@app/messaging/entities/message.entity';

export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_STATUSES = [
  'received',
  'queued',
  'sending',
  'unknown',
  'sent',
  'delivered',
  'read',
  'failed',
] as const;

export class ConversationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only conversations on this channel account',
  })
  @IsOptional()
  @IsUUID()
  channelAccountId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only conversations with this contact' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: (typeof CONVERSATION_STATUSES)[number];

  @ApiPropertyOptional({ enum: HUB_NAMES, example: 'whatsapp' })
  @IsOptional()
  @IsIn(HUB_NAMES)
  hub?: HubName;
}

export class MessageListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_DIRECTIONS })
  @IsOptional()
  @IsIn(MESSAGE_DIRECTIONS)
  direction?: MessageDirection;

  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;

  @ApiPropertyOptional({ example: 'text', description: 'Message type, e.g. text, image, template' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]{0,39}$/, { message: 'type must be a message type such as text or image' })
  type?: string;
}
