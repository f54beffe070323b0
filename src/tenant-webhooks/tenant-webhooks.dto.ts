import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PageInfoDoc } from '@core/api/pagination';
import { IsPublicLink } from '@core/http/is-public-link.validator';
import { MESSAGING_EVENT_TYPES } from '@app/messaging/events/messaging-event';
import type { WebhookRow } from './tenant-webhooks.repository';
import type { DeliveryRow } from './webhook-deliveries.repository';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://crm.example.com/omnihub/events',
    description:
      'A public https URL (port 443, no private, loopback or metadata addresses), checked now ' +
      'and judged again by the address each delivery connects to; OUTBOUND_URL_ALLOWLIST lets named hosts through',
  })
  @IsString()
  @MaxLength(2_000)
  @IsPublicLink()
  url!: string;

  @ApiProperty({ enum: MESSAGING_EVENT_TYPES, isArray: true, example: ['message.received'] })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MESSAGING_EVENT_TYPES, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "Only events of these channel accounts' conversations; omit for all",
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  channelAccountIds?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://crm.example.com/omnihub/events' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  @IsPublicLink()
  url?: string;

  @ApiPropertyOptional({ enum: MESSAGING_EVENT_TYPES, isArray: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MESSAGING_EVENT_TYPES, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    nullable: true,
    description: 'null: all accounts',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  channelAccountIds?: string[] | null;

  @ApiPropertyOptional({ description: 'true also forgets the failures that disabled it' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    enum: [true],
    description: 'Issue a new signing secret (shown once in the answer); the old one stops at once',
  })
  @IsOptional()
  @Equals(true)
  rotateSecret?: true;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: MESSAGING_EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty({ type: [String], format: 'uuid', nullable: true }) channelAccountIds!:
    string[] | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'Deliveries given up in a row' }) consecutiveFailures!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was disabled, if it was' })
  disabledReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;

  static from(row: WebhookRow): WebhookDto {
    const { secret: _sealed, tenantId: _tenant, ...view } = row;
    return view;
  }
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_3q2-7wEXAMPLE',
    description: 'The signing secret, shown only in this answer; Omnihub keeps it encrypted',
  })
  secret!: string;
}

export class WebhookPageDto extends PageInfoDoc {
  @ApiProperty({ type: [WebhookDto] }) items!: WebhookDto[];
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The Omnihub-Webhook-Id header and body `id`' })
  eventId!: string;
  @ApiProperty({ example: 'message.status_changed' }) eventType!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's last HTTP status" })
  lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAttemptAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;

  static from(row: DeliveryRow): WebhookDeliveryDto {
    return {
      id: row.id,
      eventId: row.eventId,
      eventType: row.eventType,
      status: row.status,
      attempts: row.attempts,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      lastAttemptAt: row.lastAttemptAt,
      createdAt: row.createdAt,
    };
  }
}

export class WebhookDeliveryPageDto extends PageInfoDoc {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
}
