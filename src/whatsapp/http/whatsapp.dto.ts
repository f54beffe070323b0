import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsBase64,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNotIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsPublicLink } from '@core/http/is-public-link.validator';
import { PURPOSE_PATTERN, SYSTEM_PURPOSES } from '@app/messaging/outbound/send-purpose';

const RECIPIENT = /^\+?[0-9A-Za-z._:@-]{3,64}$/;

export class ConnectCloudAccountDto {
  @ApiProperty({
    example: 'main-line',
    description: 'Your handle for this number (the "instanceId" of the other routes)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'name must be letters, digits, dot, dash or underscore (max 64)',
  })
  name!: string;

  @ApiProperty({
    example: '106540352242922',
    description: 'Phone number ID from the WhatsApp Manager',
  })
  @IsString()
  @Matches(/^\d{5,32}$/, { message: 'phoneNumberId must be digits' })
  phoneNumberId!: string;

  @ApiProperty({ example: '102290129340398', description: 'WhatsApp Business Account ID' })
  @IsString()
  @Matches(/^\d{5,32}$/, { message: 'wabaId must be digits' })
  wabaId!: string;

  @ApiProperty({ description: 'System-user access token; stored encrypted, never shown again' })
  @IsString()
  @Length(20, 1024)
  // It travels in an Authorization header: any other character makes every Graph call fail.
  @Matches(/^[\x21-\x7e]+$/, { message: 'accessToken must be printable ASCII without spaces' })
  accessToken!: string;

  @ApiPropertyOptional({
    description: "This app's secret if it differs from META_APP_SECRET (webhook signatures)",
  })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  appSecret?: string;

  @ApiPropertyOptional({
    description:
      "The verify token set in this number's Meta app dashboard, if it is not META_VERIFY_TOKEN " +
      '(the webhook handshake accepts either); stored as a hash, never shown again',
  })
  @IsOptional()
  @IsString()
  @Length(8, 256)
  verifyToken?: string;
}

class InstanceRecipientDto {
  @ApiProperty({ example: 'main-line', description: 'Channel account name or id' })
  @IsString()
  @IsNotEmpty()
  instanceId!: string;

  @ApiProperty({ example: '+5511987654321' })
  @IsString()
  @Matches(RECIPIENT, { message: 'to must be an E.164 number or a WhatsApp id' })
  to!: string;

  @ApiPropertyOptional({
    example: 'reminders',
    description:
      'What the send is for, judged against consent (see POST /api/v2/messages `purpose`); ' +
      "default: the template's Meta category, else service",
  })
  @IsOptional()
  @Matches(PURPOSE_PATTERN, {
    message: 'purpose must be lower case letters, digits and underscores',
  })
  @IsNotIn(SYSTEM_PURPOSES, { message: 'purpose is reserved for Omnihub itself' })
  purpose?: string;
}

export class SendTextDto extends InstanceRecipientDto {
  @ApiProperty({ example: 'Olá! Sua consulta está confirmada.', maxLength: 4096 })
  @IsString()
  @Length(1, 4096)
  text!: string;
}

export class SendMediaDto extends InstanceRecipientDto {
  @ApiPropertyOptional({
    example: 'https://cdn.example.com/receipt.pdf',
    description:
      'Public HTTPS URL the platform fetches (port 443, no user info, not a private or internal ' +
      'host), or give mediaId',
  })
  @ValidateIf((dto: SendMediaDto) => dto.mediaId === undefined)
  @IsString({ message: 'url must be a URL (or give mediaId)' })
  @IsPublicLink()
  url?: string;

  @ApiPropertyOptional({ example: '1037543291543636' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  mediaId?: string;

  @ApiPropertyOptional({ example: 'Your receipt', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;

  @ApiPropertyOptional({ example: 'receipt.pdf', description: 'Documents only' })
  @IsOptional()
  @IsString()
  @MaxLength(240)
  filename?: string;
}

export class SendTemplateDto extends InstanceRecipientDto {
  @ApiProperty({ example: 'appointment_reminder' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, {
    message: 'name must be lowercase letters, digits and underscores',
  })
  name!: string;

  @ApiProperty({ example: 'pt_BR' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'language must look like en_US or pt_BR' })
  language!: string;

  @ApiPropertyOptional({
    example: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
  })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  components?: Record<string, unknown>[];
}

export class RetryFailedDto {
  @ApiPropertyOptional({ example: 'main-line', description: 'Only this channel account' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  instanceId?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Only these messages (Omnihub ids); also re-sends those whose outcome is unknown',
  })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  messageIds?: string[];

  @ApiPropertyOptional({
    example: '2026-11-22T00:00:00Z',
    description: 'Only failures after this instant (default: last 24 h)',
  })
  @IsOptional()
  @IsISO8601()
  since?: string;
}

export class TemplatesQueryDto {
  @ApiProperty({ example: 'main-line', description: 'Channel account name or id' })
  @IsString()
  @IsNotEmpty()
  instanceId!: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Bypass the cache and read the templates from Meta now',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  refresh?: 'true' | 'false';
}

export class UploadMediaDto {
  @ApiProperty({ example: 'main-line', description: 'Channel account name or id' })
  @IsString()
  @IsNotEmpty()
  instanceId!: string;

  @ApiProperty({ example: 'application/pdf' })
  @IsString()
  @Matches(/^[a-z]+\/[A-Za-z0-9.+-]+$/, {
    message: 'mimeType must be a MIME type such as image/jpeg',
  })
  mimeType!: string;

  @ApiProperty({ example: 'receipt.pdf' })
  @IsString()
  @Length(1, 240)
  filename!: string;

  @ApiProperty({
    description: 'The file, base64-encoded (the request is limited by BODY_LIMIT_BYTES)',
  })
  @IsBase64({}, { message: 'data must be base64' })
  data!: string;
}
