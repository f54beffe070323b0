import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Equals,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageInfoDoc } from '@core/api/pagination';
import { ALERT_SEVERITIES, AlertSeverity } from '@core/alerts/alert-raiser';
import { IsPublicLink } from '@core/http/is-public-link.validator';
import type { ChannelKind } from '../channel-kind';
import type { AlertChannelRow } from './alert-channels.repository';

const KINDS: readonly ChannelKind[] = ['slack', 'discord', 'webhook'];

export class CreateAlertChannelDto {
  @ApiProperty({
    enum: KINDS,
    description:
      'slack: an incoming webhook URL; discord: a channel webhook URL; webhook: any HTTPS ' +
      'endpoint, sent `{ id, type, createdAt, data }` signed with Omnihub-Alert-Signature',
  })
  @IsIn(KINDS)
  kind!: ChannelKind;

  @ApiProperty({ example: 'On-call Slack' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: 'Kept encrypted (it is the credential) and never shown again; public https only',
  })
  @IsString()
  @MaxLength(2_000)
  @IsPublicLink()
  url!: string;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, default: 'warning' })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateAlertChannelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  @IsPublicLink()
  url?: string;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: AlertSeverity;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;

  @ApiPropertyOptional({
    enum: [true],
    description: 'webhook channels: a new signing secret, shown once; the old one stops at once',
  })
  @IsOptional()
  @Equals(true)
  rotateSecret?: true;
}

export class AlertChannelDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: KINDS }) kind!: ChannelKind;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'https://hooks.slack.com/…', description: 'Scheme and host only' })
  urlHint!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) minSeverity!: AlertSeverity;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;

  static from(row: AlertChannelRow): AlertChannelDto {
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      urlHint: row.urlHint,
      minSeverity: row.minSeverity,
      active: row.active,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class AlertChannelWithSecretDto extends AlertChannelDto {
  @ApiPropertyOptional({
    description: 'webhook channels: the signing secret, shown only in this answer',
  })
  secret?: string;
}

export class AlertChannelPageDto extends PageInfoDoc {
  @ApiProperty({ type: [AlertChannelDto] }) items!: AlertChannelDto[];
}
