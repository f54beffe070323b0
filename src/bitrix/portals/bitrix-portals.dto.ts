import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export class CreatePortalDto {
  @ApiProperty({ example: 'main', description: "The tenant's name for the portal (unique)" })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  name!: string;

  @ApiProperty({ example: 'https://acme.bitrix24.com' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  portalUrl!: string;

  @ApiPropertyOptional({
    example: 'app.66a1b2c3d4e5f6.12345678',
    description: "The portal's own application (local app); default BITRIX_CLIENT_ID",
  })
  @IsOptional()
  @IsString()
  @MinLength(4)
  @MaxLength(200)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Stored sealed; never shown again' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(500)
  clientSecret?: string;
}

export class UpdatePortalDto {
  @ApiPropertyOptional({ example: 'main' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(4)
  @MaxLength(200)
  clientId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(500)
  clientSecret?: string;
}

export class AuthorizationCodeDto {
  @ApiProperty({ description: 'The `code` Bitrix24 redirected the installing user back with' })
  @IsString()
  @MinLength(4)
  @MaxLength(500)
  code!: string;
}

export class PortalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() portalUrl!: string;
  @ApiProperty({ enum: ['pending', 'active', 'needs_reauth'] }) status!: string;
  @ApiProperty({ enum: ['none', 'registered', 'failed'] }) connectorState!: string;
  @ApiProperty({ nullable: true, type: String }) memberId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty() hasOwnClientSecret!: boolean;
  @ApiProperty({
    description:
      "The application's handler and install URL: set it as the Bitrix24 app's handler; " +
      'events for this portal come here',
  })
  handlerUrl!: string;
  @ApiProperty() createdAt!: Date;
}

export class PortalStatusDto {
  @ApiProperty({ enum: ['pending', 'active', 'needs_reauth'] }) status!: string;
  @ApiProperty({ enum: ['missing', 'valid', 'expired'] }) token!: string;
  @ApiProperty({ nullable: true, type: Date }) accessExpiresAt!: Date | null;
  @ApiProperty({ enum: ['none', 'registered', 'failed'] }) connector!: string;
  @ApiProperty({ description: 'Open lines with the connector active' }) activeLines!: number;
  @ApiProperty({ nullable: true, type: Date }) lastCallAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ enum: ['closed', 'open', 'half-open', 'isolated'] }) breaker!: string;
  @ApiProperty({ description: 'Customer messages waiting to be mirrored' }) queueDepth!: number;
}

export class LineMappingDto {
  @ApiProperty({ format: 'uuid', description: 'The channel account feeding the line' })
  @IsString()
  @Matches(/^[0-9a-f-]{36}$/i)
  channelAccountId!: string;

  @ApiProperty({ example: '3', description: "The open line's id on the portal" })
  @IsString()
  @Matches(/^\d{1,10}$/)
  lineId!: string;
}

export class LineDto {
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty() lineId!: string;
  @ApiProperty() active!: boolean;
}

export class MirrorDeadLetterDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['send', 'edit', 'delete'], description: 'What was to be posted' })
  change!: string;
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty() lineId!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String, description: "Bitrix24's last refusal" })
  lastError!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class RedriveDeadLettersDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Only these dead letters; all of the portal when left out',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids?: string[];
}

export class RedriveResultDto {
  @ApiProperty({ description: 'Dead letters given their attempts back' }) redriven!: number;
}
