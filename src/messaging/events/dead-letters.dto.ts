import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID } from 'class-validator';
import { PageInfoDoc, PageQueryDto } from '@core/api/pagination';
import { MESSAGING_EVENT_TYPES } from './messaging-event';
import type { DeadLetterRow } from './domain-events.repository';

export class DeadLetterQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this tenant's dead letters" })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class MessagingEventDto {
  @ApiProperty({ format: 'uuid', description: 'The idempotency key subscribers dedupe by' })
  id!: string;

  @ApiProperty({ enum: MESSAGING_EVENT_TYPES })
  type!: string;

  @ApiProperty({ format: 'uuid' })
  tenantId!: string;

  @ApiProperty({ format: 'uuid', description: 'The conversation (the contact for contact events)' })
  streamId!: string;

  @ApiProperty({ description: 'Position in the stream: 1, 2, 3...' })
  seq!: number;

  @ApiPropertyOptional({ format: 'uuid' })
  conversationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  messageId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  contactId?: string;

  @ApiPropertyOptional({ example: 'failed' })
  status?: string;

  @ApiPropertyOptional({ example: 'WHATSAPP.RECIPIENT_NOT_ON_WHATSAPP' })
  errorCode?: string;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt!: Date;
}

export class DeadLetterDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'bitrix.mirror', description: 'The subscriber that kept failing' })
  subscriber!: string;

  @ApiProperty({ description: 'Attempts made before giving up' })
  attempts!: number;

  @ApiProperty({ description: "The last attempt's error, as the subscriber threw it" })
  lastError!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  deadAt!: Date;

  @ApiProperty({ type: MessagingEventDto })
  event!: MessagingEventDto;

  static from(row: DeadLetterRow): DeadLetterDto {
    return { ...row };
  }
}

export class DeadLetterPageDto extends PageInfoDoc {
  @ApiProperty({ type: [DeadLetterDto] })
  items!: DeadLetterDto[];
}

export class RetryDeadLettersDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 500 })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids!: string[];
}

export class RetriedDeadLettersDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Re-driven: the event and the later ones of its conversation are delivered again',
  })
  retried!: string[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description:
      'Not re-driven now: unknown ids, or a conversation a worker is delivering at this moment (ask again)',
  })
  notRetried!: string[];
}
